export type StoryFormatErrorReason =
  | 'invalid_outline'
  | 'wrong_chapter'
  | 'invalid_json'
  | 'invalid_shape'
  | 'missing_title'
  | 'missing_chapter'
  | 'duplicate_chapter'
  | 'missing_chapter_title'
  | 'empty_chapter'
  | 'wrong_chapter_count'

export class StoryFormatError extends Error {
  readonly reason: StoryFormatErrorReason
  /** The chapter the problem was found in, when there is one. */
  readonly chapter: number | null

  constructor(reason: StoryFormatErrorReason, message: string, chapter: number | null = null) {
    super(message)
    this.name = 'StoryFormatError'
    this.reason = reason
    this.chapter = chapter
  }
}

export function assertChapterCount(chapters: number): void {
  if (!Number.isInteger(chapters) || chapters < 1) {
    throw new RangeError(`chapters must be a positive integer, got ${String(chapters)}`)
  }
}
