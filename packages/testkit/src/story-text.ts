import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fixturesDir } from './fixtures.ts'

export const GENRES = ['Fantasy', 'Adventure', 'Educational'] as const
export type Genre = (typeof GENRES)[number]

export interface StoryChapter {
  title: string
  content: string
}

export interface Story {
  title: string
  chapters: StoryChapter[]
}

export interface StoryTemplate extends Story {
  id: string
  genres: Genre[]
}

export interface StoryValues {
  name: string
  topic: string
  animal: string
  activity: string
  pronoun: string
  possessive: string
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
    t.genres.every((g) => (GENRES as readonly string[]).includes(g)) &&
    Array.isArray(t.chapters) &&
    t.chapters.length > 0 &&
    t.chapters.every((c) => typeof c?.title === 'string' && typeof c?.content === 'string')
  if (!ok) throw new Error(`${file} is not a story template`)
}

/** Loads fixtures/stories/*.json, sorted by id. */
export function loadStoryTemplates(dir: string = join(fixturesDir, 'stories')): StoryTemplate[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const parsed: unknown = JSON.parse(readFileSync(join(dir, f), 'utf8'))
      assertTemplate(parsed, f)
      return parsed
    })
}

/** Replaces {{placeholder}}s; unknown placeholders are left alone. */
export function fillPlaceholders(text: string, values: Partial<StoryValues> = {}): string {
  const all: StoryValues = { ...DEFAULT_STORY_VALUES, ...values }
  return text.replace(/\{\{(\w+)\}\}/g, (match, key: string) =>
    (PLACEHOLDERS as readonly string[]).includes(key) ? all[key as keyof StoryValues] : match,
  )
}

const KEYS: Record<Exclude<keyof StoryValues, 'pronoun' | 'possessive'>, string[]> = {
  name: ["child(?:'s)?[ _]?name", 'first[ _]?name', 'name', 'hero'],
  topic: ['topic', 'theme', 'subject'],
  // Plural too: our own prompts say favourite_animals and favourite_activities.
  animal: ['favou?rite[ _]?animals?', 'animal[ _]?companion', 'animal', 'pet'],
  activity: ['favou?rite[ _]?activit(?:y|ies)', 'activity', 'hobby', 'hobbies'],
}

function findValue(prompt: string, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const re = new RegExp(`(?:^|[\\s{,"'*(-])${key}["']?\\s*[:=]\\s*["']?([^\\n"';,{}()]+)`, 'im')
    const value = re
      .exec(prompt)?.[1]
      ?.split(/[.!?]\s/)[0]
      ?.trim()
      .replace(/[.!]+$/, '')
      .trim()
    if (value && value.length <= 60) return value
  }
  return undefined
}

const PRONOUNS: Record<string, [string, string]> = {
  she: ['she', 'her'],
  her: ['she', 'her'],
  girl: ['she', 'her'],
  female: ['she', 'her'],
  he: ['he', 'his'],
  him: ['he', 'his'],
  boy: ['he', 'his'],
  male: ['he', 'his'],
  they: ['they', 'their'],
  them: ['they', 'their'],
}

/**
 * Finds plain story values in a prompt: `Name: Ada`, `"topic": "volcanoes"`, `named Ada`,
 * `a story about volcanoes`, `Pronouns: she/her`, `gender: boy`… Missing values are left out.
 */
export function extractStoryValues(prompt: string): Partial<StoryValues> {
  const found: Partial<StoryValues> = {}
  for (const [field, keys] of Object.entries(KEYS) as Array<[keyof typeof KEYS, string[]]>) {
    const value = findValue(prompt, keys)
    if (value) found[field] = value
  }
  found.name ??= /\b(?:named|called)\s+([A-Z][\p{L}'-]{0,30})/u.exec(prompt)?.[1]
  found.topic ??= /\bstory about\s+(.{2,60}?)(?=\s+(?:for|with|who|that|where|called|named)\b|[\n.,;!?"]|$)/i
    .exec(prompt)?.[1]
    ?.trim()
  const pronoun =
    findValue(prompt, ['pronouns?', 'gender'])
      ?.toLowerCase()
      .split(/[\s/]+/)[0] ?? /\b(she|he|they)\/(?:her|him|them)\b/i.exec(prompt)?.[1]?.toLowerCase()
  const pair = pronoun ? PRONOUNS[pronoun] : undefined
  if (pair) [found.pronoun, found.possessive] = pair
  for (const key of Object.keys(found) as Array<keyof StoryValues>) if (!found[key]) delete found[key]
  return found
}

/** Genres named in a prompt (`Genre: Fantasy`, or the bare capitalised words). */
export function extractGenres(prompt: string): Genre[] {
  const listed = findValue(prompt, ['genres?']) ?? prompt
  return GENRES.filter((g) => new RegExp(`\\b${g}\\b`, listed === prompt ? '' : 'i').test(listed))
}

/** Picks a template having one of `genres` (any template when none match), by `seed`. */
export function pickTemplate(
  templates: readonly StoryTemplate[],
  genres: readonly string[],
  seed: number,
): StoryTemplate {
  if (templates.length === 0) throw new Error('no story templates')
  const matching = templates.filter((t) => t.genres.some((g) => genres.includes(g)))
  const pool = matching.length ? matching : templates
  return pool[seed % pool.length]!
}

export interface BuildStoryOptions {
  chapters: number
  values?: Partial<StoryValues>
  genres?: readonly string[]
  seed?: number
}

/**
 * A story with exactly `chapters` chapters: fewer than the template has keeps the opening ones
 * and the ending; more borrows middle chapters from the other templates before the ending.
 */
export function buildStory(templates: readonly StoryTemplate[], options: BuildStoryOptions): Story {
  const count = Math.max(1, Math.floor(options.chapters))
  const base = pickTemplate(templates, options.genres ?? [], options.seed ?? 0)
  const ending = base.chapters[base.chapters.length - 1]!
  let chosen: StoryChapter[]
  if (count <= base.chapters.length) {
    chosen = [...base.chapters.slice(0, count - 1), ending]
  } else {
    const extra = templates.filter((t) => t !== base).flatMap((t) => t.chapters.slice(1, -1))
    const fillers = extra.length ? extra : base.chapters.slice(1, -1)
    chosen = base.chapters.slice(0, -1)
    for (let i = 0; chosen.length < count - 1; i++) chosen.push(fillers[i % Math.max(1, fillers.length)] ?? ending)
    chosen.push(ending)
  }
  return {
    title: fillPlaceholders(base.title, options.values),
    chapters: chosen.map((c) => ({
      title: fillPlaceholders(c.title, options.values),
      content: fillPlaceholders(c.content, options.values),
    })),
  }
}

/** The tagged plain-text story format: `Title: …`, then `Chapter N title: …` / `Chapter N: …`. */
export function formatTaggedStory(story: Story): string {
  const parts = [`Title: ${story.title}`]
  for (const [i, c] of story.chapters.entries())
    parts.push(`Chapter ${i + 1} title: ${c.title}\nChapter ${i + 1}: ${c.content}`)
  return parts.join('\n\n')
}

/** Parses formatTaggedStory's output; null when there is no title or no chapter. */
export function parseTaggedStory(text: string): Story | null {
  const title = /^Title:\s*(.+)$/m.exec(text)?.[1]?.trim()
  const heads = [...text.matchAll(/^Chapter\s+(\d+)\s+title:\s*(.*)$/gim)]
  if (!title || heads.length === 0) return null
  const chapters = heads.map((head, i) => {
    const end = heads[i + 1]?.index ?? text.length
    const body = text.slice(head.index + head[0].length, end)
    const content = body.replace(new RegExp(`^\\s*Chapter\\s+${head[1]}:\\s*`, 'i'), '').trim()
    return { title: head[2]!.trim(), content }
  })
  return { title, chapters }
}
