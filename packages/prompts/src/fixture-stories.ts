import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { STORY_GENRES, type StoryGenre } from '@dreamify/core/enums'
import type { StoryOutputFormat } from './types.ts'

// The offline stories of fixtures/stories, filled in and shaped to a chapter count: told by the
// worker's fixtures provider and by the testkit's fake OpenAI server alike.

/** The repository's fixtures/stories directory (packages/prompts/src → ../../../fixtures). */
export const FIXTURE_STORIES_DIR: string = fileURLToPath(new URL('../../../fixtures/stories', import.meta.url))

export interface FixtureChapter {
  title: string
  content: string
  /** what to draw, in English, as a planner's answer gives it (without one, the opening is drawn) */
  scene?: string
}

export interface FixtureCastMember {
  name: string
  description: string
}

export interface FixtureStory {
  title: string
  /** the recurring characters besides the hero (names in the story's language, looks in English) */
  cast?: FixtureCastMember[]
  chapters: FixtureChapter[]
}

export interface StoryTemplate extends FixtureStory {
  id: string
  genres: StoryGenre[]
  /** BCP 47 tag of the language it is written in (default `en`) */
  language?: string
}

/** What the templates' `{{placeholder}}`s stand for (see fixtures/README.md). */
export interface StoryValues {
  name: string
  topic: string
  animal: string
  activity: string
  pronoun: string
  possessive: string
  /** picks `{{masculine|feminine}}` forms in languages whose words agree with the hero (Spanish, Arabic) */
  gender?: 'masculine' | 'feminine'
}

export const PLACEHOLDERS: ReadonlyArray<keyof StoryValues> = [
  'name',
  'topic',
  'animal',
  'activity',
  'pronoun',
  'possessive',
]

export const DEFAULT_STORY_VALUES: Readonly<StoryValues> = {
  name: 'Mia',
  topic: 'friendship',
  animal: 'fox',
  activity: 'drawing',
  pronoun: 'they',
  possessive: 'their',
}

function assertTemplate(value: unknown, file: string): asserts value is StoryTemplate {
  const t = value as Partial<StoryTemplate> | null
  const ok =
    !!t &&
    typeof t.id === 'string' &&
    typeof t.title === 'string' &&
    Array.isArray(t.genres) &&
    t.genres.length > 0 &&
    t.genres.every((g) => (STORY_GENRES as readonly string[]).includes(g)) &&
    Array.isArray(t.chapters) &&
    t.chapters.length > 0 &&
    t.chapters.every((c) => typeof c?.title === 'string' && typeof c?.content === 'string') &&
    (t.language === undefined || typeof t.language === 'string') &&
    (t.cast === undefined ||
      (Array.isArray(t.cast) && t.cast.every((m) => typeof m?.name === 'string' && typeof m?.description === 'string')))
  if (!ok) throw new Error(`${file} is not a story template`)
}

/** Loads the story templates (`*.json`), sorted by file name. */
export function loadStoryTemplates(dir: string = FIXTURE_STORIES_DIR): StoryTemplate[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const parsed: unknown = JSON.parse(readFileSync(join(dir, f), 'utf8'))
      assertTemplate(parsed, f)
      return parsed
    })
}

/**
 * Replaces the known `{{placeholder}}`s (missing values take the defaults; unknown ones are left
 * alone) and picks each `{{masculine|feminine}}` form by `gender` (masculine, the grammatical
 * default, when it is not given).
 */
export function fillPlaceholders(text: string, values: Partial<StoryValues> = {}): string {
  const all: StoryValues = { ...DEFAULT_STORY_VALUES, ...values }
  return text
    .replace(/\{\{([^{}|]*)\|([^{}|]*)\}\}/g, (_match, masculine: string, feminine: string) =>
      all.gender === 'feminine' ? feminine : masculine,
    )
    .replace(/\{\{\s*(\w+)\s*\}\}/g, (match, key: string) =>
      (PLACEHOLDERS as readonly string[]).includes(key) ? String(all[key as keyof StoryValues]) : match,
    )
}

/** The languages the templates are written in. */
export function templateLanguages(templates: readonly StoryTemplate[]): string[] {
  return [...new Set(templates.map((t) => t.language ?? 'en'))]
}

/**
 * Picks a template in `language` (English when none is in it) having one of `genres` (any of that
 * language when none match), by `seed`.
 */
export function pickTemplate(
  templates: readonly StoryTemplate[],
  genres: readonly string[],
  seed: number,
  language = 'en',
): StoryTemplate {
  const inLanguage = templates.filter((t) => (t.language ?? 'en') === language)
  const written = inLanguage.length ? inLanguage : templates.filter((t) => (t.language ?? 'en') === 'en')
  if (written.length === 0) throw new Error('no story templates')
  const matching = written.filter((t) => t.genres.some((g) => genres.includes(g)))
  const pool = matching.length ? matching : written
  return pool[seed % pool.length]!
}

/**
 * Shapes chapters to exactly `count`, keeping every paragraph once and in order: fewer merges the
 * chapters before the ending (which stays whole); more splits the longest chapter in two.
 */
export function shapeChapters(chapters: readonly FixtureChapter[], count: number): FixtureChapter[] {
  const result = chapters.map((c) => ({ ...c }))
  while (result.length > count) {
    const into = Math.max(0, result.length - 3)
    const [merged] = result.splice(into + 1, 1)
    result[into]!.content += `\n\n${merged!.content}`
  }
  while (result.length < count) {
    const longest = result.reduce((a, b) => (b.content.length > a.content.length ? b : a))
    const paragraphs = longest.content.split(/\n\n+/)
    const half = Math.max(1, Math.floor(paragraphs.length / 2))
    longest.content = paragraphs.slice(0, half).join('\n\n')
    const rest = paragraphs.slice(half).join('\n\n') || longest.content
    const continued = { title: `${longest.title}, continued`, content: rest }
    result.splice(result.indexOf(longest) + 1, 0, longest.scene ? { ...continued, scene: longest.scene } : continued)
  }
  return result
}

export interface BuildStoryOptions {
  chapters: number
  values?: Partial<StoryValues>
  genres?: readonly string[]
  seed?: number
  /** BCP 47 tag; default `en` */
  language?: string
}

/** A template picked by genre and seed, filled in and shaped to `chapters` chapters. */
export function buildStory(templates: readonly StoryTemplate[], options: BuildStoryOptions): FixtureStory {
  const template = pickTemplate(templates, options.genres ?? [], options.seed ?? 0, options.language)
  const fill = (text: string) => fillPlaceholders(text, options.values)
  const chapters = template.chapters.map((c) => ({
    title: fill(c.title),
    content: fill(c.content),
    ...(c.scene ? { scene: fill(c.scene) } : {}),
  }))
  const cast = (template.cast ?? []).map((m) => ({ name: fill(m.name), description: fill(m.description) }))
  return {
    title: fill(template.title),
    cast,
    chapters: shapeChapters(chapters, Math.max(1, Math.floor(options.chapters))),
  }
}

/**
 * The story as a model answers it: compact JSON (title, cast, chapters), or the tagged plain text
 * (`Title:`, `Cast:` with `- Name: look` lines, `Chapter N title:`, `Chapter N:`); from chapter
 * `from` on (no title, no cast) when it continues a saved beginning.
 */
export function formatStory(story: FixtureStory, format: StoryOutputFormat, from = 1): string {
  const cast = story.cast ?? []
  const chapters = story.chapters.slice(from - 1)
  if (format === 'json')
    return JSON.stringify(from > 1 ? { chapters } : { title: story.title, cast, chapters: story.chapters })
  return [
    ...(from > 1 ? [] : [`Title: ${story.title}`]),
    ...(from === 1 && cast.length ? [`Cast:\n${cast.map((m) => `- ${m.name}: ${m.description}`).join('\n')}`] : []),
    ...chapters.map(
      (c, i) =>
        `Chapter ${i + from} title: ${c.title}\n${c.scene ? `Chapter ${i + from} scene: ${c.scene}\n` : ''}Chapter ${i + from}: ${c.content}`,
    ),
  ].join('\n\n')
}
