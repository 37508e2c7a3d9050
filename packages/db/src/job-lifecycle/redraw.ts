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

export function lockChapterQuery(tx: Db | Tx, chapter: { story_id: string; number: number }) {
  return tx
    .selectFrom('chapters')
    .select('image_id')
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
 * Settles a one-chapter redo (an `image` or `audio` job) in one transaction, with its locks in
 * order: the job's row, then (in `replace`) the chapter's. `replace` puts the new work in place of
 * the chapter's old and says whether it could (false: the chapter is gone); without it (the redo
 * failed) or when it could not, the job fails with `failure` and the chapter keeps what it had.
 * Returns the finished job, or undefined when the job was finished or gone.
 */
export function settleRedo(
  db: Db,
  jobId: string,
  failure: { code: string; message: string },
  replace: ((tx: Tx) => Promise<boolean>) | undefined,
): Promise<JobRow | undefined> {
  return db.transaction().execute(async (tx) => {
    const job = await lockJobQuery(tx, jobId).executeTakeFirst()
    if (!job || !isUnfinishedJob(job.status)) return undefined
    if (!replace || !(await replace(tx))) return fail(tx, jobId, failure)
    return complete(tx, jobId)
  })
}

/**
 * Settles a redraw (an `image` job): a new picture replaces the chapter's old one and the job
 * completes; a failed redraw fails the job and keeps the picture the chapter had.
 */
export function settleRedraw(
  db: Db,
  jobId: string,
  chapter: SettlingChapter,
  outcome: ChapterImageOutcome,
): Promise<JobRow | undefined> {
  const image = 'image' in outcome ? outcome.image : undefined
  const failure = { code: 'IMAGE_UNAVAILABLE', message: `chapter ${chapter.number} could not be drawn again` }
  return settleRedo(
    db,
    jobId,
    failure,
    image &&
      (async (tx) => {
        const current = await lockChapterQuery(tx, chapter).executeTakeFirst()
        if (!current) return false
        await attachChapterImageQuery(chapter, image).execute(tx)
        if (current.image_id) await deleteImageQuery(tx, current.image_id).execute()
        return true
      }),
  )
}
