import { buildStory, formatStory, loadStoryTemplates } from '@dreamify/prompts'
import { describe, expect, it } from 'vitest'
import { extractGenres, extractStoryValues, parseTaggedStory, requestedChapterCount } from '../src/index.ts'

describe('parseTaggedStory', () => {
  it('round-trips the tagged format', () => {
    const story = buildStory(loadStoryTemplates(), { chapters: 4, seed: 1 })
    expect(parseTaggedStory(formatStory(story, 'tagged'))).toEqual(story)
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
      gender: 'feminine',
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
