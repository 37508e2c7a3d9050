import { assertChapterCount, StoryFormatError } from './errors.ts'
import type { CastMember, StoryDraft } from './types.ts'

/**
 * Throws StoryFormatError unless the draft has a title and exactly chapters 1..expectedChapters, none
 * empty. A continuation (`from` > 1) has no title and chapters from..expectedChapters; chapters before
 * `from` that a model wrote again anyway are dropped.
 */
export function validateStoryDraft(
  draft: Omit<StoryDraft, 'cast'> & { cast?: CastMember[] },
  expectedChapters: number,
  from = 1,
): StoryDraft {
  assertChapterCount(expectedChapters)
  // A draft without a cast has an empty one.
  draft.cast ??= []
  if (from > 1) draft = { ...draft, chapters: draft.chapters.filter((chapter) => chapter.number >= from) }
  if (from === 1 && draft.title.trim() === '') {
    throw new StoryFormatError('missing_title', 'The story has no title')
  }
  draft.chapters.forEach((chapter, index) => {
    const expectedNumber = index + from
    if (chapter.number < expectedNumber) {
      throw new StoryFormatError(
        'duplicate_chapter',
        `Chapter ${chapter.number} appears more than once`,
        chapter.number,
      )
    }
    if (chapter.number > expectedNumber) {
      throw new StoryFormatError('missing_chapter', `Chapter ${expectedNumber} is missing`, expectedNumber)
    }
    if (chapter.title.trim() === '') {
      throw new StoryFormatError('missing_chapter_title', `Chapter ${chapter.number} has no title`, chapter.number)
    }
    if (chapter.content.trim() === '') {
      throw new StoryFormatError('empty_chapter', `Chapter ${chapter.number} has no content`, chapter.number)
    }
  })
  if (draft.chapters.length !== expectedChapters - from + 1) {
    throw new StoryFormatError(
      'wrong_chapter_count',
      `Expected ${expectedChapters - from + 1} chapters, got ${draft.chapters.length}`,
    )
  }
  return draft as StoryDraft
}
