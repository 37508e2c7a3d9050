import { STORY_GENRES } from '@dreamify/core'
import { describe, expect, it } from 'vitest'
import {
  buildStory,
  countWords,
  fillPlaceholders,
  formatStory,
  loadStoryTemplates,
  PLACEHOLDERS,
  parseTaggedStory,
  StoryFormatError,
} from '../src/index.ts'

// The fixture stories, told by the worker's fixtures provider and the testkit's fake OpenAI server.

const templates = loadStoryTemplates()

describe('story templates', () => {
  it('has 4+ templates with 5 chapters of ~2,000 words, a scene each, known genres and placeholders', () => {
    expect(templates.length).toBeGreaterThanOrEqual(4)
    expect(new Set(templates.map((t) => t.id)).size).toBe(templates.length)
    for (const t of templates) {
      expect(t.chapters).toHaveLength(5)
      // In English-word equivalents: an Arabic story says as much in fewer words.
      const total = t.chapters.reduce((n, c) => n + countWords(c.content, t.language), 0)
      expect(total, t.id).toBeGreaterThanOrEqual(1800)
      expect(total, t.id).toBeLessThanOrEqual(2200)
      // What to draw, in English whatever the story's language, as the text step's answer gives it.
      for (const chapter of t.chapters) expect(chapter.scene, t.id).toMatch(/^\{\{name\}\}[, ][\x20-\x7e]+\.$/)
      for (const g of t.genres) expect(STORY_GENRES).toContain(g)
      const text = JSON.stringify(t)
      for (const [, key] of text.matchAll(/\{\{(\w+)\}\}/g)) expect(PLACEHOLDERS).toContain(key)
      expect(text).toContain('{{topic}}')
      expect(text).not.toMatch(/\{\{pronoun\}\} (?:was|is|has|does)\b/)
    }
  })

  it('translates English templates whole: same chapters, genres, placeholders and scenes, a length close to the English', () => {
    const translations = templates.filter((t) => (t.language ?? 'en') !== 'en')
    expect(translations.map((t) => t.id).sort()).toEqual(
      expect.arrayContaining(['cloud-kingdom.ar', 'cloud-kingdom.es', 'moonlit-forest.ar', 'moonlit-forest.es']),
    )
    const placeholdersOf = (t: (typeof templates)[number]) =>
      [...new Set([...JSON.stringify(t.chapters).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]))]
        .filter((key) => key !== 'pronoun' && key !== 'possessive')
        .sort()
    for (const t of translations) {
      expect(t.id).toBe(`${t.id.split('.')[0]}.${t.language}`)
      const english = templates.find((e) => e.id === t.id.split('.')[0])
      expect(english, t.id).toBeDefined()
      expect(t.genres, t.id).toEqual(english!.genres)
      expect(t.chapters, t.id).toHaveLength(english!.chapters.length)
      expect(t.cast?.length, t.id).toBe(english!.cast?.length)
      expect(
        t.cast?.map((m) => m.description),
        t.id,
      ).toEqual(english!.cast?.map((m) => m.description))
      expect(placeholdersOf(t), t.id).toEqual(placeholdersOf(english!))
      expect(
        t.chapters.map((chapter) => chapter.scene),
        t.id,
      ).toEqual(english!.chapters.map((chapter) => chapter.scene))
      for (const chapter of t.chapters) expect(chapter.content, t.id).not.toMatch(/\{\{(?:pronoun|possessive)\}\}/)
      const words = (s: typeof t) => s.chapters.reduce((n, c) => n + countWords(c.content, s.language), 0)
      expect(Math.abs(words(t) - words(english!)) / words(english!), t.id).toBeLessThanOrEqual(0.1)
    }
  })

  it('fills every placeholder', () => {
    const story = buildStory(templates, {
      chapters: 5,
      values: {
        name: 'Noor',
        topic: 'the tides',
        animal: 'seal',
        activity: 'sailing',
        pronoun: 'he',
        possessive: 'his',
      },
    })
    const text = formatStory(story, 'tagged')
    expect(text).not.toContain('{{')
    expect(text).toContain('Noor')
    expect(fillPlaceholders('{{name}} {{unknown}}', {})).toBe('Mia {{unknown}}')
  })
})

describe('buildStory', () => {
  it('gives exactly the requested number of chapters, keeping the ending', () => {
    for (const n of [1, 3, 5, 8, 14]) {
      const story = buildStory(templates, { chapters: n, seed: 3 })
      expect(story.chapters).toHaveLength(n)
    }
    const base = buildStory(templates, { chapters: 5, seed: 3 })
    expect(buildStory(templates, { chapters: 3, seed: 3 }).chapters.at(-1)).toEqual(base.chapters.at(-1))
  })

  it('round-trips the tagged format', () => {
    const story = buildStory(templates, { chapters: 4, seed: 1 })
    expect(parseTaggedStory(formatStory(story, 'tagged'), 4)).toEqual({
      title: story.title,
      cast: story.cast,
      chapters: story.chapters.map((chapter, i) => ({ number: i + 1, ...chapter })),
    })
    expect(() => parseTaggedStory('no chapters here', 4)).toThrow(StoryFormatError)
  })
})
