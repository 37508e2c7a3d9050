import { sql } from 'kysely'
import type { Db, Tx } from '../database.ts'
import { insertJobDecisions, type StoryDecision } from '../moderation.ts'
import type { JobRow } from '../schema.ts'
import { complete } from './complete.ts'
import { deleteImageQuery } from './redraw.ts'

/** The picture an avatar job drew, stored before its settle under the job's id (images.job_id). */
export interface DrawnAvatar {
  parent_id: string
  child_id: string
  content_type: string
  byte_size: number
  /** its media objects, in the store already (recorded unsettled) */
  keys: string[]
}

export function findDrawnImageQuery(db: Db | Tx, jobId: string) {
  return db.selectFrom('images').select('id').where('job_id', '=', jobId)
}

/** A picture a try drew for this job, kept for the retry (undefined when none was drawn yet). */
export async function findDrawnImage(db: Db | Tx, jobId: string): Promise<string | undefined> {
  return (await findDrawnImageQuery(db, jobId).executeTakeFirst())?.id
}

export function keepDrawnImageQuery(db: Db | Tx, jobId: string, image: DrawnAvatar) {
  const { keys: _keys, ...row } = image
  return db
    .insertInto('images')
    .values({ ...row, job_id: jobId })
    .onConflict((oc) => oc.column('job_id').doNothing())
    .returning('id')
}

/** The kept picture owns its media objects from now on (the orphan sweep leaves them). */
export function settleAvatarObjectsQuery(imageId: string, keys: readonly string[]) {
  return sql`update media_objects set image_id = ${imageId}::uuid, settled_at = now()
    where key = any(${keys}::text[]) and image_id is null`
}

/**
 * Stores a drawn picture the moment the provider returns it, before anything is locked, so a try
 * that fails later (a deadlock, a lost connection, a crash) leaves it for the retry, which settles
 * it instead of paying for another drawing. Two tries of one job keep one picture (the first).
 */
export async function keepDrawnImage(db: Db, jobId: string, image: DrawnAvatar): Promise<string> {
  const kept = await keepDrawnImageQuery(db, jobId, image).executeTakeFirst()
  const id = kept?.id ?? (await findDrawnImage(db, jobId))!
  await settleAvatarObjectsQuery(id, image.keys).execute(db)
  return id
}

/**
 * The child's row, locked first: every avatar settle takes the child's lock before its job's, so
 * two avatar jobs of one child (the create and a PATCH) queue here instead of deadlocking. A
 * no-key lock: storing a picture for the child (which checks the child exists) is not held up.
 */
export function lockChildQuery(tx: Db | Tx, childId: string) {
  return tx.selectFrom('children').select('avatar_image_id').where('id', '=', childId).forNoKeyUpdate()
}

export function setAvatarQuery(tx: Db | Tx, childId: string, imageId: string) {
  return tx.updateTable('children').set({ avatar_image_id: imageId }).where('id', '=', childId)
}

/**
 * Settles an avatar job in one transaction: the child shows the kept picture, the one it replaces
 * is deleted, the job completes, and the moderation decisions that let the picture through are
 * stored. Returns the completed job, or undefined when the job was finished already or the child
 * (or the job) is gone; the child's avatar is then left as it was, and no decision is stored.
 */
export function settleAvatar(
  db: Db,
  jobId: string,
  avatar: { child_id: string; image_id: string },
  decisions: readonly StoryDecision[] = [],
): Promise<JobRow | undefined> {
  return db.transaction().execute(async (tx) => {
    const child = await lockChildQuery(tx, avatar.child_id).executeTakeFirst()
    if (!child) return undefined
    const completed = await complete(tx, jobId)
    if (!completed) return undefined
    await setAvatarQuery(tx, avatar.child_id, avatar.image_id).execute()
    if (decisions.length > 0) await insertJobDecisions(tx, jobId, decisions).execute()
    if (child.avatar_image_id && child.avatar_image_id !== avatar.image_id)
      await deleteImageQuery(tx, child.avatar_image_id).execute()
    return completed
  })
}
