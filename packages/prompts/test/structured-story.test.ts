import { describe, expect, it } from 'vitest'
import { parseStructuredStory, StoryFormatError, validateStoryDraft } from '../src/index.ts'
import { expectedCleanDraft, structuredStory } from './fixtures.ts'

function reasonOf(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    if (error instanceof StoryFormatError) return error.reason
    throw error
  }
  throw new Error('expected a StoryFormatError')
}

describe('parseStructuredStory', () => {
  it('parses a valid JSON story and numbers the chapters', () => {
    expect(parseStructuredStory(structuredStory, 3)).toEqual(expectedCleanDraft)
  })

  it('tolerates a ```json fence and chatter around it', () => {
    const fenced = `Here you go!\n\n\`\`\`json\n${JSON.stringify(JSON.parse(structuredStory), null, 2)}\n\`\`\`\nEnjoy {braces} too.`
    expect(parseStructuredStory(fenced, 3)).toEqual(expectedCleanDraft)
  })

  it('normalises paragraphs and strips "The end." from the last chapter', () => {
    const story = JSON.parse(structuredStory) as { chapters: Array<{ content: string }> }
    story.chapters[0]!.content = '  First.\r\n\r\n\r\nSecond.  '
    story.chapters[2]!.content += '\n\nThe End.'
    const draft = parseStructuredStory(JSON.stringify(story), 3)
    expect(draft.chapters[0]?.content).toBe('First.\n\nSecond.')
    expect(draft.chapters[2]?.content).toBe(expectedCleanDraft.chapters[2]?.content)
  })

  it('reports the wrong chapter count', () => {
    expect(reasonOf(() => parseStructuredStory(structuredStory, 4))).toBe('wrong_chapter_count')
    expect(reasonOf(() => parseStructuredStory(structuredStory, 2))).toBe('wrong_chapter_count')
  })

  it('reports invalid JSON', () => {
    expect(reasonOf(() => parseStructuredStory('{"title": "Oops", "chapters": [', 3))).toBe('invalid_json')
    expect(reasonOf(() => parseStructuredStory('no json here', 3))).toBe('invalid_json')
    expect(reasonOf(() => parseStructuredStory('{"title": "Oops",, }', 3))).toBe('invalid_json')
  })

  it('reports a wrong shape, a missing title and an empty chapter', () => {
    expect(reasonOf(() => parseStructuredStory('{"title": "T", "chapters": "none"}', 3))).toBe('invalid_shape')
    const story = JSON.parse(structuredStory) as { title: string; chapters: Array<{ content: string }> }
    expect(reasonOf(() => parseStructuredStory(JSON.stringify({ ...story, title: ' ' }), 3))).toBe('missing_title')
    story.chapters[1]!.content = '   '
    expect(reasonOf(() => parseStructuredStory(JSON.stringify(story), 3))).toBe('empty_chapter')
  })
})

describe('validateStoryDraft', () => {
  it('returns a valid draft unchanged', () => {
    expect(validateStoryDraft(expectedCleanDraft, 3)).toBe(expectedCleanDraft)
  })

  it('checks numbering, titles and count', () => {
    const [one, two, three] = expectedCleanDraft.chapters
    expect(reasonOf(() => validateStoryDraft({ title: 'T', chapters: [one!, three!] }, 3))).toBe('missing_chapter')
    expect(reasonOf(() => validateStoryDraft({ title: 'T', chapters: [one!, two!] }, 3))).toBe('wrong_chapter_count')
    expect(reasonOf(() => validateStoryDraft({ title: 'T', chapters: [one!, one!, three!] }, 3))).toBe(
      'duplicate_chapter',
    )
    expect(
      reasonOf(() => validateStoryDraft({ title: 'T', chapters: [one!, { ...two!, title: '' }, three!] }, 3)),
    ).toBe('missing_chapter_title')
  })
})
