import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import type { Config } from '@dreamify/core'
import type { GeneratedImage, GenerationProvider, StoryRequest } from './provider.ts'

const FIXTURES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../fixtures')
const TICK_MS = 25

interface StoryTemplate {
  id: string
  genres: string[]
  title: string
  chapters: Array<{ title: string; content: string }>
}

interface Library {
  stories: StoryTemplate[]
  illustrations: Buffer[]
  portraits: Buffer[]
}

let library: Library | undefined

// Read once, on first use: the files are small and never change while running.
function loadLibrary(): Library {
  if (library) return library
  const storyDir = join(FIXTURES_DIR, 'stories')
  const imageDir = join(FIXTURES_DIR, 'images')
  const stories = readdirSync(storyDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(storyDir, f), 'utf8')) as StoryTemplate)
  const pngs = readdirSync(imageDir)
    .filter((f) => f.endsWith('.png'))
    .sort()
  const read = (f: string) => readFileSync(join(imageDir, f))
  library = {
    stories,
    illustrations: pngs.filter((f) => !f.startsWith('avatar')).map(read),
    portraits: pngs.filter((f) => f.startsWith('avatar')).map(read),
  }
  return library
}

const pick = <T>(items: T[], seed: string): T =>
  items[createHash('sha256').update(seed).digest().readUInt32BE(0) % items.length]!

function firstOf(list: string | null, fallback: string): string {
  return list?.split(/,|\band\b/)[0]?.trim() || fallback
}

/** Fills a template with the child's details, then shapes it to the requested number of chapters. */
export function renderFixtureStory(request: StoryRequest, stories = loadLibrary().stories) {
  const candidates = stories.filter((s) => s.genres.includes(request.genre))
  const template = pick(candidates.length ? candidates : stories, `${request.child.name}|${request.topic}`)
  const female = request.child.sex === 'Female'
  const values: Record<string, string> = {
    name: request.child.name,
    topic: request.topic,
    animal: firstOf(request.child.fav_animals, 'fox'),
    activity: firstOf(request.child.fav_activities, 'exploring'),
    show: firstOf(request.child.fav_shows, 'a favourite story'),
    pronoun: female ? 'she' : 'he',
    Pronoun: female ? 'She' : 'He',
    possessive: female ? 'her' : 'his',
    Possessive: female ? 'Her' : 'His',
    object: female ? 'her' : 'him',
  }
  const fill = (text: string) =>
    text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, key: string) => values[key] ?? values[key.toLowerCase()] ?? '')
  const chapters = reshape(
    template.chapters.map((c) => ({ title: fill(c.title), content: fill(c.content) })),
    request.chapters,
  )
  return { title: fill(template.title), chapters }
}

// Templates have five chapters; other counts merge the last ones or split the longest.
function reshape(chapters: Array<{ title: string; content: string }>, count: number) {
  const result = chapters.map((c) => ({ ...c }))
  while (result.length > count) {
    const last = result.pop()!
    result[result.length - 1]!.content += `\n\n${last.content}`
  }
  while (result.length < count) {
    const longest = result.reduce((a, b) => (b.content.length > a.content.length ? b : a))
    const paragraphs = longest.content.split(/\n\n+/)
    const half = Math.max(1, Math.floor(paragraphs.length / 2))
    longest.content = paragraphs.slice(0, half).join('\n\n')
    const rest = paragraphs.slice(half).join('\n\n') || longest.content
    result.splice(result.indexOf(longest) + 1, 0, { title: `${longest.title}, continued`, content: rest })
  }
  return result
}

export function formatStory(
  story: { title: string; chapters: Array<{ title: string; content: string }> },
  format: StoryRequest['format'],
): string {
  if (format === 'json') return JSON.stringify(story)
  return [
    `Title: ${story.title}`,
    ...story.chapters.map((c, i) => `Chapter ${i + 1} title: ${c.title}\nChapter ${i + 1}: ${c.content}`),
  ].join('\n\n')
}

/**
 * The offline provider: stories from fixtures/ personalised with the child's details, streamed
 * over FIXTURES_TEXT_MS, and illustrations from fixtures/images after FIXTURES_IMAGE_MS.
 */
export function createFixturesProvider(config: Config['generation']['fixtures']): GenerationProvider {
  return {
    name: 'fixtures',
    storyFormat: 'tagged',

    async *writeStory(request: StoryRequest, signal: AbortSignal) {
      const text = formatStory(renderFixtureStory(request), request.format)
      if (!request.stream) {
        if (config.textMs) await sleep(config.textMs, undefined, { signal })
        yield text
        return undefined
      }
      const ticks = Math.max(1, Math.floor(config.textMs / TICK_MS))
      const size = Math.ceil(text.length / ticks)
      for (let at = 0; at < text.length; at += size) {
        if (config.textMs) await sleep(TICK_MS, undefined, { signal })
        signal.throwIfAborted()
        yield text.slice(at, at + size)
      }
      // The offline provider costs nothing, so it reports no usage.
      return undefined
    },

    async drawImage(prompt: string, signal: AbortSignal, purpose = 'chapter'): Promise<GeneratedImage> {
      if (config.imageMs) await sleep(config.imageMs, undefined, { signal })
      const { illustrations, portraits } = loadLibrary()
      return {
        bytes: pick(purpose === 'avatar' && portraits.length ? portraits : illustrations, prompt),
        contentType: 'image/png',
      }
    },
  }
}
