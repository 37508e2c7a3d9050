import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { loadConfig, STORY_GENRES, type StoryGenre } from '@dreamify/core'
import {
  buildStoryMessages,
  createStoryStreamParser,
  formatStory,
  parseStructuredStory,
  parseTaggedStory,
} from '@dreamify/prompts'
import { aChild, isPng } from '@dreamify/testkit'
import { describe, expect, it } from 'vitest'
import { createFixturesProvider, renderFixtureStory } from '../src/providers/fixtures.ts'
import type { ChildProfile, StoryFormat, StoryRequest } from '../src/providers/provider.ts'

const FIXTURES = resolve(import.meta.dirname, '../../../fixtures')
const templates = readdirSync(join(FIXTURES, 'stories'))
  .filter((f) => f.endsWith('.json'))
  .map(
    (f) =>
      JSON.parse(readFileSync(join(FIXTURES, 'stories', f), 'utf8')) as {
        id: string
        genres: string[]
        title: string
        language?: string
      },
  )
const pngs = (prefix: (name: string) => boolean) =>
  readdirSync(join(FIXTURES, 'images'))
    .filter((f) => f.endsWith('.png') && prefix(f))
    .map((f) => readFileSync(join(FIXTURES, 'images', f)))
const portraits = pngs((f) => f.startsWith('avatar'))
const illustrations = pngs((f) => !f.startsWith('avatar'))

const NAMES = ['Mia', 'Leo', 'Ada', 'Sam', 'Noor', 'Kai', 'Zoe', 'Ben']
const TOPICS = ['a lost red balloon', 'volcanoes', 'the moon', 'a brave snail', 'trains']

// Two favourite animals: a story uses only the first.
const mia: ChildProfile = { ...aChild, fav_animals: 'otters and owls' }

function request(overrides: Partial<Omit<StoryRequest, 'messages'>> = {}): StoryRequest {
  const input = {
    child: mia,
    topic: 'a lost red balloon',
    genre: 'Adventure' as StoryGenre,
    chapters: 5,
    format: 'tagged' as StoryFormat,
    stream: false,
    ...overrides,
  }
  return { ...input, messages: buildStoryMessages(input) }
}

function config(env: Record<string, string> = {}) {
  return loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-signing',
    GENERATION_PROVIDER: 'fixtures',
    ...env,
  }).generation.fixtures
}

/** Which template a rendered story came from, by its title with the name put back. */
function templateOf(title: string, name: string) {
  const template = templates.find((t) => t.title.replaceAll('{{name}}', name) === title)
  if (!template) throw new Error(`no template has the title ${JSON.stringify(title)}`)
  return template
}

async function collect(iterable: AsyncIterable<string>) {
  const pieces: string[] = []
  for await (const piece of iterable) pieces.push(piece)
  return pieces
}

describe('renderFixtureStory', () => {
  it("personalises the story with the child's name, topic, favourite animal and activity, and pronouns", () => {
    const story = renderFixtureStory(request())
    expect(story.title).toContain('Mia')
    const text = story.chapters.map((c) => `${c.title}\n${c.content}`).join('\n')
    expect(text).not.toContain('{{')
    expect(text).not.toContain('}}')
    expect(text).toContain('Mia')
    expect(text).toContain('a lost red balloon')
    // Only the first of several favourites is used, as one animal ("a little otter", not "otters").
    expect(text).toMatch(/\botter\b/)
    expect(text).not.toMatch(/\botters\b/)
    expect(text).not.toMatch(/\bowls\b/)
    expect(text).toContain('building sandcastles')
    expect(text).not.toMatch(/\b(he|his|him)\b/)

    const leo = renderFixtureStory(
      request({ child: { ...mia, name: 'Leo', sex: 'Male', fav_animals: null, fav_activities: null } }),
    )
    const leoText = leo.chapters.map((c) => c.content).join('\n')
    expect(leo.title).toContain('Leo')
    expect(leoText).toContain('Leo')
    expect(leoText).not.toContain('Mia')
    expect(leoText).toMatch(/\b(he|his|him|He|His)\b/)
    expect(leoText).not.toMatch(/\b(she|She)\b/)
    expect(leoText).not.toContain('{{')
  })

  it('picks the same template for the same child and topic every time', () => {
    const a = renderFixtureStory(request({ topic: 'volcanoes' }))
    const b = renderFixtureStory(request({ topic: 'volcanoes' }))
    expect(b).toEqual(a)
  })

  it('picks different templates for different children and topics, only from the requested genre', () => {
    expect(templates.length).toBeGreaterThanOrEqual(3)
    const [names, topics] = [NAMES, TOPICS]
    for (const genre of STORY_GENRES) {
      const used = new Set<string>()
      for (const name of names) {
        for (const topic of topics) {
          const story = renderFixtureStory(request({ child: { ...mia, name }, topic, genre }))
          const template = templateOf(story.title, name)
          expect(template.genres, `${name}/${topic}/${genre}`).toContain(genre)
          used.add(template.id)
        }
      }
      const available = templates.filter((t) => (t.language ?? 'en') === 'en' && t.genres.includes(genre)).length
      expect(used.size, `templates used for ${genre}`).toBe(available)
    }
    // Across genres every template gets used.
    const all = new Set(
      STORY_GENRES.flatMap((genre) =>
        names.flatMap((name) =>
          topics.map(
            (topic) =>
              templateOf(renderFixtureStory(request({ child: { ...mia, name }, topic, genre })).title, name).id,
          ),
        ),
      ),
    )
    expect(all.size).toBe(templates.filter((t) => (t.language ?? 'en') === 'en').length)
  })

  it.each([
    ['es', 'segura'],
    ['ar', 'فكّرت'],
  ])('tells a %s story from its translated templates, agreeing with a girl hero', (language, feminine) => {
    const translated = templates.filter((t) => t.language === language)
    expect(translated.map((t) => t.id)).toEqual(
      expect.arrayContaining([`cloud-kingdom.${language}`, `moonlit-forest.${language}`]),
    )
    const used = new Set<string>()
    for (const name of NAMES) {
      for (const topic of TOPICS) {
        const story = renderFixtureStory(request({ child: { ...mia, name }, topic, language }))
        const template = templateOf(story.title, name)
        expect(template.language, `${name}/${topic}`).toBe(language)
        expect(template.genres).toContain('Adventure')
        const text = JSON.stringify(story)
        expect(text, template.id).toContain(feminine)
        expect(text, template.id).not.toContain('{{')
        expect(story.cast?.length, template.id).toBeGreaterThan(0)
        used.add(template.id)
      }
    }
    // Every translation gets told, and a genre only one of them has picks that one.
    expect([...used].sort()).toEqual(translated.map((t) => t.id).sort())
    const educational = renderFixtureStory(request({ language, genre: 'Educational' }))
    expect(templateOf(educational.title, mia.name).id).toBe(`cloud-kingdom.${language}`)
  })

  it.each([3, 5, 7])('shapes the story to exactly %i non-empty chapters', (chapters) => {
    const story = renderFixtureStory(request({ chapters }))
    expect(story.chapters).toHaveLength(chapters)
    for (const chapter of story.chapters) {
      expect(chapter.title.trim()).not.toBe('')
      expect(chapter.content.trim()).not.toBe('')
    }
    expect(parseTaggedStory(formatStory(story, 'tagged'), chapters).chapters).toHaveLength(chapters)
    expect(parseStructuredStory(formatStory(story, 'json'), chapters).chapters).toHaveLength(chapters)
  })

  it('keeps every paragraph exactly once, whatever the chapter count (1 to 12)', () => {
    const paragraphs = (count: number) =>
      renderFixtureStory(request({ chapters: count })).chapters.flatMap((c) => c.content.split(/\n\n+/))
    const five = paragraphs(5)
    for (let count = 1; count <= 12; count++) {
      const story = renderFixtureStory(request({ chapters: count }))
      expect(story.chapters, `${count} chapters`).toHaveLength(count)
      expect(
        story.chapters.every((c) => c.content.trim() !== ''),
        `${count} chapters`,
      ).toBe(true)
      expect(paragraphs(count), `${count} chapters`).toEqual(five)
    }
  })
})

describe('the fixtures provider', () => {
  it('answers in the tagged format', () => {
    const provider = createFixturesProvider(config())
    expect(provider.name).toBe('fixtures')
    expect(provider.storyFormat).toBe('tagged')
  })

  it('streams the story over FIXTURES_TEXT_MS in many chunks that parse with the tagged parser', async () => {
    const provider = createFixturesProvider(config({ FIXTURES_TEXT_MS: '500' }))
    const started = performance.now()
    const pieces = await collect(provider.writeStory(request({ stream: true }), new AbortController().signal))
    const elapsed = performance.now() - started
    expect(pieces.length).toBeGreaterThanOrEqual(15)
    expect(pieces.every((p) => p.length > 0)).toBe(true)
    expect(elapsed).toBeGreaterThanOrEqual(450)
    expect(elapsed).toBeLessThan(5000)
    const text = pieces.join('')
    expect(text).toBe(formatStory(renderFixtureStory(request()), 'tagged'))
    const story = parseTaggedStory(text, 5)
    expect(story.title).toContain('Mia')
    expect(story.chapters).toHaveLength(5)
  })

  it('answers in one piece after FIXTURES_TEXT_MS when not streaming, and in JSON when asked', async () => {
    const provider = createFixturesProvider(config({ FIXTURES_TEXT_MS: '200' }))
    const started = performance.now()
    const pieces = await collect(
      provider.writeStory(request({ format: 'json', chapters: 3 }), new AbortController().signal),
    )
    expect(performance.now() - started).toBeGreaterThanOrEqual(180)
    expect(pieces).toHaveLength(1)
    expect(parseStructuredStory(pieces[0]!, 3).chapters).toHaveLength(3)
  })

  it('streams everything at once with FIXTURES_TEXT_MS=0', async () => {
    const provider = createFixturesProvider(config({ FIXTURES_TEXT_MS: '0' }))
    const pieces = await collect(
      provider.writeStory(request({ stream: true, chapters: 7 }), new AbortController().signal),
    )
    expect(parseTaggedStory(pieces.join(''), 7).chapters).toHaveLength(7)
  })

  it('stops streaming when the signal aborts', async () => {
    const provider = createFixturesProvider(config({ FIXTURES_TEXT_MS: '2000' }))
    const controller = new AbortController()
    const pieces: string[] = []
    const error = await (async () => {
      try {
        for await (const piece of provider.writeStory(request({ stream: true }), controller.signal)) {
          pieces.push(piece)
          if (pieces.length === 3) controller.abort()
        }
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect((error as Error | undefined)?.name).toBe('AbortError')
    expect(pieces).toHaveLength(3)
  })

  it('draws a chapter illustration as PNG from the scenes, and a portrait for an avatar', async () => {
    const provider = createFixturesProvider(config({ FIXTURES_IMAGE_MS: '0' }))
    const signal = new AbortController().signal
    expect(portraits.length).toBeGreaterThan(0)
    for (const prompt of ['a red balloon over the sea', 'a clockwork owl', 'a snowy night', 'a meadow']) {
      const chapter = await provider.drawImage(prompt, signal)
      expect(chapter.contentType).toBe('image/png')
      expect(isPng(chapter.bytes)).toBe(true)
      expect(illustrations.some((png) => png.equals(chapter.bytes))).toBe(true)
      expect(portraits.some((png) => png.equals(chapter.bytes))).toBe(false)

      const avatar = await provider.drawImage(prompt, signal, 'avatar')
      expect(avatar.contentType).toBe('image/png')
      expect(isPng(avatar.bytes)).toBe(true)
      expect(portraits.some((png) => png.equals(avatar.bytes))).toBe(true)
    }
    // The same prompt draws the same picture.
    expect(
      (await provider.drawImage('a clockwork owl', signal)).bytes.equals(
        (await provider.drawImage('a clockwork owl', signal)).bytes,
      ),
    ).toBe(true)
  })

  it('takes FIXTURES_IMAGE_MS per image, and an abort stops the wait', async () => {
    const provider = createFixturesProvider(config({ FIXTURES_IMAGE_MS: '300' }))
    const started = performance.now()
    await provider.drawImage('a meadow', new AbortController().signal)
    expect(performance.now() - started).toBeGreaterThanOrEqual(280)
    const error = await provider.drawImage('a meadow', AbortSignal.timeout(50)).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(Error)
  })
})

describe('the fixtures provider continuing a story', () => {
  it.each(['tagged', 'json'] as const)(
    'goes on with its own template from chapter 3 when chapters 1–2 are sent back (%s)',
    async (format) => {
      const whole = renderFixtureStory(request({ format }))
      const soFar = {
        title: whole.title,
        chapters: whole.chapters.slice(0, 2).map((c, i) => ({ ...c, number: i + 1 })),
      }
      const provider = createFixturesProvider(config({ FIXTURES_TEXT_MS: '0' }))
      const input = { ...request({ format }), soFar }
      const text = (
        await collect(
          provider.writeStory({ ...input, messages: buildStoryMessages(input) }, new AbortController().signal),
        )
      ).join('')
      const parser = createStoryStreamParser({ format, chapters: 5, from: 3 })
      parser.push(text)
      const { draft } = parser.end()
      expect(draft.chapters.map((c) => [c.number, c.title, c.content])).toEqual(
        whole.chapters.slice(2).map((c, i) => [i + 3, c.title, c.content]),
      )
    },
  )
})
