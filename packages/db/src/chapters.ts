import type { Db, Tx } from './database.ts'

/** What a chapter answers with (the story view's chapters, the export's, the books'). */
export const CHAPTER_COLUMNS = [
  'number',
  'title',
  'content',
  'written',
  'image_status',
  'image_id',
  'image_error_code',
  'audio_status',
  'audio_key',
  'audio_error_code',
] as const

/** Reads of chapters; a chapter's text and drawing are saved by the job's transitions (job-lifecycle/). */
export const chapterRepository = {
  /** Every chapter row, an outlined story's planned-but-unwritten ones too (`written` false). */
  listByStory(db: Db | Tx, storyId: string) {
    return db.selectFrom('chapters').select(CHAPTER_COLUMNS).where('story_id', '=', storyId).orderBy('number').execute()
  },

  /** Why a chapter's picture failed for good, written just before the chapter is settled as failed. */
  recordImageFailure(db: Db | Tx, storyId: string, chapterNumber: number, code: string): Promise<void> {
    return recordFailure(db, storyId, chapterNumber, { image_error_code: code })
  },

  /** Why a chapter's narration failed for good, written just before it is settled as failed. */
  recordAudioFailure(db: Db | Tx, storyId: string, chapterNumber: number, code: string): Promise<void> {
    return recordFailure(db, storyId, chapterNumber, { audio_error_code: code })
  },

  find(db: Db | Tx, storyId: string, number: number) {
    return db
      .selectFrom('chapters')
      .selectAll()
      .where('story_id', '=', storyId)
      .where('number', '=', number)
      .executeTakeFirst()
  },
}

async function recordFailure(
  db: Db | Tx,
  storyId: string,
  chapterNumber: number,
  code: { image_error_code: string } | { audio_error_code: string },
): Promise<void> {
  await db
    .updateTable('chapters')
    .set(code)
    .where('story_id', '=', storyId)
    .where('number', '=', chapterNumber)
    .execute()
}
