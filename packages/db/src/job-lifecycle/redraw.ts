import { isUnfinishedJob } from '@dreamify/core'
import { sql } from 'kysely'
import type { Db, Tx } from '../database.ts'
import type { JobRow } from '../schema.ts'
import type { ChapterImageOutcome, SettlingChapter, StoredImage } from './chapters.ts'
import { complete } from './complete.ts'
import { fail } from './finish.ts'

/** The redraw job's row, then the chapter's: every redraw takes its locks in this order. */
export function lockJobQuery(tx: Db | Tx, jobId: string) {
  return tx.selectFrom('jobs').selectAll().where('id', '=', jobId).forUpdate()
}

/** The chapter's columns that name the work a redo replaces: its picture, its narration. */
export type RedoneColumn = 'image_id' | 'audio_key'

/** The chapter's row, locked, with the column a redo replaces. */
export function lockChapterQuery<Column extends RedoneColumn>(
  tx: Db | Tx,
  chapter: { story_id: string; number: number },
  column: Column,
) {
  return tx
    .selectFrom('chapters')
    .select(column)
    .where('story_id', '=', chapter.story_id)
    .where('number', '=', chapter.number)
    .forUpdate()
}

/** Records the new picture (its media objects settled as its own) and points the chapter at it, in one statement. */
export function attachChapterImageQuery(chapter: SettlingChapter, image: StoredImage) {
  return sql`
    with image as (
      insert into images (parent_id, child_id, story_id, content_type, byte_size)
      values (${chapter.parent_id}::uuid, ${chapter.child_id}::uuid, ${chapter.story_id}::uuid, ${image.content_type}::text,
        ${image.byte_size}::integer)
      returning id
    ), media as (
      update media_objects set image_id = image.id, settled_at = now()
      from image where key = any(${image.keys}::text[])
    )
    update chapters set image_id = image.id, image_status = 'ready', updated_at = now()
    from image where story_id = ${chapter.story_id} and number = ${chapter.number}
  `
}

/** A picture nothing shows any more (the one a redraw or a new avatar replaced); its objects go with it. */
export function deleteImageQuery(db: Db | Tx, imageId: string) {
  return db.deleteFrom('images').where('id', '=', imageId)
}

/**
 * One kind of one-chapter redo (a redrawn picture, a chapter narrated again), for settleRedo: the
 * chapter's column that names its work, the query that points the chapter at the new work, and
 * the one that deletes the old work it replaced, which `replaced` names (null: nothing to delete).
 */
export interface ChapterRedo<Chapter, Work> {
  /** What the job fails with when the redo failed or its chapter is gone. */
  failure: (chapter: Chapter) => { code: string; message: string }
  column: RedoneColumn
  attach: (chapter: Chapter, work: Work) => { execute(tx: Tx): Promise<unknown> }
  replaced: (current: string | null, work: Work) => string | null
  deleteReplaced: (tx: Tx, replaced: string) => { execute(): Promise<unknown> }
}

/**
 * Settles a one-chapter redo (an `image` or `audio` job) in one transaction, with its locks in
 * order: the job's row, then the chapter's. New `work` takes the place of the chapter's old work
 * and the job completes; without it (the redo failed), or when the chapter is gone, the job fails
 * with the redo's failure and the chapter keeps what it had. Returns the finished job, or
 * undefined when the job was finished or gone.
 */
export function settleRedo<Chapter extends { story_id: string; number: number }, Work>(
  db: Db,
  jobId: string,
  redo: ChapterRedo<Chapter, Work>,
  chapter: Chapter,
  work: Work | undefined,
): Promise<JobRow | undefined> {
  return db.transaction().execute(async (tx) => {
    const job = await lockJobQuery(tx, jobId).executeTakeFirst()
    if (!job || !isUnfinishedJob(job.status)) return undefined
    const current = work && (await lockChapterQuery(tx, chapter, redo.column).executeTakeFirst())
    if (!work || !current) return fail(tx, jobId, redo.failure(chapter))
    await redo.attach(chapter, work).execute(tx)
    const replaced = redo.replaced(current[redo.column], work)
    if (replaced) await redo.deleteReplaced(tx, replaced).execute()
    return complete(tx, jobId)
  })
}

const redraw: ChapterRedo<SettlingChapter, StoredImage> = {
  failure: (chapter) => ({ code: 'IMAGE_UNAVAILABLE', message: `chapter ${chapter.number} could not be drawn again` }),
  column: 'image_id',
  attach: attachChapterImageQuery,
  // a new picture is a new row, never the one it replaces
  replaced: (current) => current,
  deleteReplaced: deleteImageQuery,
}

/**
 * Settles a redraw (an `image` job): a new picture replaces the chapter's old one and the job
 * completes; a failed redraw fails the job and keeps the picture the chapter had.
 */
export function settleRedraw(db: Db, jobId: string, chapter: SettlingChapter, outcome: ChapterImageOutcome) {
  return settleRedo(db, jobId, redraw, chapter, 'image' in outcome ? outcome.image : undefined)
}
