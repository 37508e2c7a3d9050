import { describe, expect, it } from 'vitest'
import { parseTaggedStory, StoryFormatError } from '../src/index.ts'
import { cleanTaggedStory, expectedCleanDraft, messyTaggedStory } from './fixtures.ts'

function formatError(run: () => unknown): StoryFormatError {
  try {
    run()
  } catch (error) {
    if (error instanceof StoryFormatError) return error
    throw error
  }
  throw new Error('expected a StoryFormatError')
}

describe('parseTaggedStory', () => {
  it('parses the exact format', () => {
    expect(parseTaggedStory(cleanTaggedStory, 3)).toEqual(expectedCleanDraft)
  })

  it('tolerates preamble, markdown, lower-case labels, word numbers, CRLF, "The End" and a sign-off', () => {
    expect(parseTaggedStory(messyTaggedStory, 3)).toEqual(expectedCleanDraft)
  })

  it('handles markdown bold around labels', () => {
    const text = cleanTaggedStory
      .replace('Title:', '**Title:**')
      .replace('Chapter 1 title:', '**Chapter 1 title**:')
      .replace('Chapter 2:', '**Chapter 2:**')
    expect(parseTaggedStory(text, 3)).toEqual(expectedCleanDraft)
  })

  it('handles lower-case labels', () => {
    const allLowerCase = parseTaggedStory(cleanTaggedStory.toLowerCase(), 3)
    expect(allLowerCase.title).toBe(expectedCleanDraft.title.toLowerCase())
    expect(allLowerCase.chapters.map((chapter) => chapter.title)).toEqual(
      expectedCleanDraft.chapters.map((chapter) => chapter.title.toLowerCase()),
    )
    const text = cleanTaggedStory
      .replace('Title:', 'title:')
      .replace('Chapter 2 title:', 'chapter 2 title:')
      .replace('Chapter 3:', 'chapter 3:')
    expect(parseTaggedStory(text, 3)).toEqual(expectedCleanDraft)
  })

  it('ignores prose before the title and after the last chapter', () => {
    const text = `Of course! Here's a gentle story.\n\n${cleanTaggedStory}\n\n---\n\nWould you like me to make it longer?`
    expect(parseTaggedStory(text, 3)).toEqual(expectedCleanDraft)
  })

  it('handles CRLF line endings', () => {
    expect(parseTaggedStory(cleanTaggedStory.replace(/\n/g, '\r\n'), 3)).toEqual(expectedCleanDraft)
  })

  it('joins a title that spans two lines', () => {
    const text = cleanTaggedStory.replace('Title: Mia and the Moon Fox', 'Title: Mia and\nthe Moon Fox')
    expect(parseTaggedStory(text, 3).title).toBe('Mia and the Moon Fox')
  })

  it('does not fold chatter after a blank line into the title', () => {
    const text = cleanTaggedStory.replace('Title: Mia and the Moon Fox', 'Title: Mia and the Moon Fox\n\nHere it is:')
    expect(parseTaggedStory(text, 3).title).toBe('Mia and the Moon Fox')
  })

  it.each(['The end.', 'The End', '**THE END!**'])('strips a closing "%s" after the last chapter', (closing) => {
    const draft = parseTaggedStory(`${cleanTaggedStory}\n\n${closing}`, 3)
    expect(draft.chapters[2]?.content).toBe(
      'They floated home on a moonbeam.\n\nMia yawned and snuggled under her quilt.',
    )
  })

  it('strips "The end." written at the end of the last paragraph but keeps "the end" inside a sentence', () => {
    const inline = parseTaggedStory(`${cleanTaggedStory} The end.`, 3)
    expect(inline.chapters[2]?.content.endsWith('under her quilt.')).toBe(true)
    const inSentence = parseTaggedStory(`${cleanTaggedStory}\n\nThey had reached the end.`, 3)
    expect(inSentence.chapters[2]?.content.endsWith('They had reached the end.')).toBe(true)
  })

  it('leaves no labels or markdown markers at the start of content or titles', () => {
    for (const chapter of parseTaggedStory(messyTaggedStory, 3).chapters) {
      expect(chapter.content).not.toMatch(/^(?:[*#_]|chapter\b)/i)
      expect(chapter.title).not.toMatch(/^[*#_]|[*_]$|chapter/i)
    }
  })

  it('reports a missing chapter', () => {
    const withoutChapter2 = cleanTaggedStory.replace(/Chapter 2 title:[\s\S]*?(?=Chapter 3 title:)/, '')
    const error = formatError(() => parseTaggedStory(withoutChapter2, 3))
    expect(error.reason).toBe('missing_chapter')
    expect(error.chapter).toBe(2)
  })

  it('reports the wrong chapter count', () => {
    expect(formatError(() => parseTaggedStory(cleanTaggedStory, 4)).reason).toBe('wrong_chapter_count')
    expect(formatError(() => parseTaggedStory(cleanTaggedStory, 2)).reason).toBe('wrong_chapter_count')
  })

  it('reports a missing title', () => {
    const text = cleanTaggedStory.replace('Title: Mia and the Moon Fox\n', '')
    expect(formatError(() => parseTaggedStory(text, 3)).reason).toBe('missing_title')
  })

  it('reports an empty chapter', () => {
    const text = cleanTaggedStory.replace(/Chapter 2: The fox led[\s\S]*?said the fox\./, 'Chapter 2:')
    const error = formatError(() => parseTaggedStory(text, 3))
    expect(error.reason).toBe('empty_chapter')
    expect(error.chapter).toBe(2)
  })

  it('reports a duplicated chapter', () => {
    const text = cleanTaggedStory.replace('Chapter 3 title:', 'Chapter 2 title:').replace('Chapter 3:', 'Chapter 2:')
    expect(formatError(() => parseTaggedStory(text, 3)).reason).toBe('duplicate_chapter')
  })

  it('reads a chapter title given on the line after an empty title label', () => {
    const text = cleanTaggedStory.replace('Chapter 2 title: Over the Rooftops', 'Chapter 2 title:\nOver the Rooftops')
    expect(parseTaggedStory(text, 3)).toEqual(expectedCleanDraft)
  })

  it('falls back to a heading-like first line when the chapter title label is missing', () => {
    const text = cleanTaggedStory.replace(
      'Chapter 2 title: Over the Rooftops\nChapter 2: ',
      '## Chapter 2: Over the Rooftops\n',
    )
    expect(parseTaggedStory(text, 3)).toEqual(expectedCleanDraft)
  })

  it('rejects a non-positive chapter count', () => {
    expect(() => parseTaggedStory(cleanTaggedStory, 0)).toThrow(RangeError)
  })
})
