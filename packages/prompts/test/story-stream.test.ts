import { describe, expect, it } from 'vitest'
import type { StoryDraft, StoryOutputFormat, StoryStreamEvent } from '../src/index.ts'
import { createStoryStreamParser, parseStructuredStory, parseTaggedStory, StoryFormatError } from '../src/index.ts'
import { cleanTaggedStory, expectedCleanDraft, messyTaggedStory, randomChunks, structuredStory } from './fixtures.ts'

function streamStory(format: StoryOutputFormat, chunks: string[], chapters: number) {
  const parser = createStoryStreamParser({ format, chapters })
  const events: StoryStreamEvent[] = []
  for (const chunk of chunks) events.push(...parser.push(chunk))
  const { draft, events: finalEvents } = parser.end()
  return { draft, events: [...events, ...finalEvents], finalEvents }
}

function expectEventsToMatch(events: StoryStreamEvent[], draft: StoryDraft): void {
  expect(events).toEqual([
    { type: 'title', title: draft.title },
    ...draft.chapters.map((chapter) => ({ type: 'chapter', ...chapter })),
  ])
}

const prettyJson = `\`\`\`json\n${JSON.stringify(
  {
    title: 'Mia and the "Moon" Fox {}',
    chapters: [
      { title: 'One [a]', content: 'Escapes: \\ and "quotes" and } braces ]\n\nSecond paragraph.' },
      { title: 'Two', content: 'Unicode ✨ and \u00e9 and a tab\tin here.' },
      { title: 'Three', content: 'Sleep tight.\n\nThe end.' },
    ],
  },
  null,
  2,
)}\n\`\`\``

const cases: Array<{ name: string; format: StoryOutputFormat; text: string; batch: (text: string) => StoryDraft }> = [
  { name: 'clean tagged', format: 'tagged', text: cleanTaggedStory, batch: (text) => parseTaggedStory(text, 3) },
  { name: 'messy tagged', format: 'tagged', text: messyTaggedStory, batch: (text) => parseTaggedStory(text, 3) },
  { name: 'compact json', format: 'json', text: structuredStory, batch: (text) => parseStructuredStory(text, 3) },
  { name: 'fenced json', format: 'json', text: prettyJson, batch: (text) => parseStructuredStory(text, 3) },
]

describe('createStoryStreamParser', () => {
  for (const { name, format, text, batch } of cases) {
    it(`${name}: random 1-7 char chunks give ordered, unique events equal to the final draft`, () => {
      const expected = batch(text)
      for (let seed = 1; seed <= 200; seed += 1) {
        const { draft, events } = streamStory(format, randomChunks(text, seed), 3)
        expect(draft).toEqual(expected)
        expectEventsToMatch(events, draft)
      }
    })

    it(`${name}: one char at a time and all at once agree`, () => {
      const expected = batch(text)
      expectEventsToMatch(streamStory(format, [...text], 3).events, expected)
      expectEventsToMatch(streamStory(format, [text], 3).events, expected)
    })
  }

  it('tagged: emits a chapter as soon as the next chapter label line arrives, the last one from end()', () => {
    const parser = createStoryStreamParser({ format: 'tagged', chapters: 3 })
    const upToChapter2Label = cleanTaggedStory.slice(0, cleanTaggedStory.indexOf('Chapter 2:'))
    expect(parser.push(upToChapter2Label)).toEqual([
      { type: 'title', title: expectedCleanDraft.title },
      { type: 'chapter', ...expectedCleanDraft.chapters[0] },
    ])
    expect(parser.push(cleanTaggedStory.slice(upToChapter2Label.length))).toEqual([
      { type: 'chapter', ...expectedCleanDraft.chapters[1] },
    ])
    const { draft, events } = parser.end()
    expect(events).toEqual([{ type: 'chapter', ...expectedCleanDraft.chapters[2] }])
    expect(draft).toEqual(expectedCleanDraft)
  })

  it('json: emits each chapter when its object closes, including the last, before end()', () => {
    const parser = createStoryStreamParser({ format: 'json', chapters: 3 })
    const firstChapterEnd = structuredStory.indexOf('},') + 1
    const beforeClose = parser.push(structuredStory.slice(0, firstChapterEnd - 1))
    expect(beforeClose).toEqual([{ type: 'title', title: expectedCleanDraft.title }])
    expect(parser.push('}')).toEqual([{ type: 'chapter', ...expectedCleanDraft.chapters[0] }])
    expect(parser.push(structuredStory.slice(firstChapterEnd))).toEqual([
      { type: 'chapter', ...expectedCleanDraft.chapters[1] },
      { type: 'chapter', ...expectedCleanDraft.chapters[2] },
    ])
    expect(parser.end()).toEqual({ draft: expectedCleanDraft, events: [] })
  })

  it('withholds chapters past the expected count and fails at end()', () => {
    const parser = createStoryStreamParser({ format: 'tagged', chapters: 2 })
    const events = [...parser.push(cleanTaggedStory)]
    expect(() => parser.end()).toThrow(StoryFormatError)
    expect(
      events.filter((event) => event.type === 'chapter').map((event) => event.type === 'chapter' && event.number),
    ).toEqual([1, 2])
  })

  it('does not emit chapters after a gap', () => {
    const withoutChapter2 = cleanTaggedStory.replace(/Chapter 2 title:[\s\S]*?(?=Chapter 3 title:)/, '')
    const parser = createStoryStreamParser({ format: 'tagged', chapters: 3 })
    const events = parser.push(withoutChapter2)
    expect(events.map((event) => event.type)).toEqual(['title', 'chapter'])
    expect(() => parser.end()).toThrow(expect.objectContaining({ reason: 'missing_chapter' }))
  })

  it('json: holds chapters back until the title is known, so the title always comes first', () => {
    const story = JSON.parse(structuredStory) as { title: string; chapters: unknown[] }
    const chaptersFirst = JSON.stringify({ chapters: story.chapters, title: story.title })
    const { draft, events } = streamStory('json', randomChunks(chaptersFirst, 7), 3)
    expect(draft).toEqual(expectedCleanDraft)
    expectEventsToMatch(events, draft)
  })

  it('tagged: emits no chapters when the title is missing', () => {
    const parser = createStoryStreamParser({ format: 'tagged', chapters: 3 })
    expect(parser.push(cleanTaggedStory.replace('Title: Mia and the Moon Fox\n', ''))).toEqual([])
    expect(() => parser.end()).toThrow(expect.objectContaining({ reason: 'missing_title' }))
  })

  it('fails on truncated JSON', () => {
    const parser = createStoryStreamParser({ format: 'json', chapters: 3 })
    parser.push(structuredStory.slice(0, -5))
    expect(() => parser.end()).toThrow(expect.objectContaining({ reason: 'invalid_json' }))
  })

  it('refuses input after end()', () => {
    const parser = createStoryStreamParser({ format: 'tagged', chapters: 3 })
    parser.push(cleanTaggedStory)
    parser.end()
    expect(() => parser.push('more')).toThrow()
  })
})
