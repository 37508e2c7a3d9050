import { describe, expect, it } from 'vitest'
import {
  buildStory,
  extractGenres,
  extractStoryValues,
  fillPlaceholders,
  formatTaggedStory,
  GENRES,
  loadStoryTemplates,
  PLACEHOLDERS,
  parseTaggedStory,
  requestedChapterCount,
} from '../src/index.ts'

const templates = loadStoryTemplates()
const words = (text: string): number => text.split(/\s+/).filter(Boolean).length

describe('story templates', () => {
  it('has 4+ templates with 5 chapters of ~2,000 words, known genres and placeholders', () => {
    expect(templates.length).toBeGreaterThanOrEqual(4)
    expect(new Set(templates.map((t) => t.id)).size).toBe(templates.length)
    for (const t of templates) {
      expect(t.chapters).toHaveLength(5)
      const total = t.chapters.reduce((n, c) => n + words(c.content), 0)
      expect(total, t.id).toBeGreaterThanOrEqual(1800)
      expect(total, t.id).toBeLessThanOrEqual(2200)
      for (const g of t.genres) expect(GENRES).toContain(g)
      const text = JSON.stringify(t)
      for (const [, key] of text.matchAll(/\{\{(\w+)\}\}/g)) expect(PLACEHOLDERS).toContain(key)
      expect(text).toContain('{{topic}}')
      expect(text).not.toMatch(/\{\{pronoun\}\} (?:was|is|has|does)\b/)
    }
  })

  it('fills every placeholder', () => {
    const story = buildStory(templates, {
      chapters: 5,
      values: {
        name: 'Ada',
        topic: 'volcanoes',
        animal: 'owl',
        activity: 'painting',
        pronoun: 'she',
        possessive: 'her',
      },
    })
    const text = formatTaggedStory(story)
    expect(text).not.toContain('{{')
    expect(text).toContain('Ada')
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
    expect(parseTaggedStory(formatTaggedStory(story))).toEqual(story)
    expect(parseTaggedStory('no chapters here')).toBeNull()
  })
})

describe('prompt reading', () => {
  it('finds plain values in key: value lines, JSON and prose', () => {
    expect(
      extractStoryValues(
        "Child's name: Ada\nPronouns: she/her\nFavourite animal: owl\nFavourite activity: painting\nTopic: volcanoes.",
      ),
    ).toEqual({
      name: 'Ada',
      topic: 'volcanoes',
      animal: 'owl',
      activity: 'painting',
      pronoun: 'she',
      possessive: 'her',
    })
    expect(
      extractStoryValues('{"name":"Leo","topic":"the ocean","favoriteAnimal":"turtle","gender":"boy"}'),
    ).toMatchObject({ name: 'Leo', topic: 'the ocean', animal: 'turtle', pronoun: 'he', possessive: 'his' })
    expect(extractStoryValues('Write a bedtime story about dinosaurs for a child named Zoe.')).toEqual({
      name: 'Zoe',
      topic: 'dinosaurs',
    })
    expect(extractStoryValues('Please write a story about dinosaurs.')).toEqual({ topic: 'dinosaurs' })
    expect(extractStoryValues('Name: Leo. Write 2 chapters.')).toEqual({ name: 'Leo' })
    expect(extractGenres('Genre: educational')).toEqual(['Educational'])
  })

  it('reads the chapter count from the schema, then the prompt', () => {
    const messages = [{ role: 'user', content: 'Write 7 chapters.' }]
    expect(requestedChapterCount({ messages })).toBe(7)
    expect(requestedChapterCount({ messages: [{ role: 'user', content: 'in three chapters' }] })).toBe(3)
    expect(requestedChapterCount({ messages: [{ role: 'user', content: 'hi' }] })).toBe(5)
    expect(
      requestedChapterCount({
        messages,
        response_format: {
          type: 'json_schema',
          json_schema: { schema: { properties: { chapters: { minItems: 2 } } } },
        },
      }),
    ).toBe(2)
  })
})
