import { sql } from 'kysely'
import type { Db, Tx } from './database.ts'
import type { MediaKind, MediaStoreName } from './schema.ts'

/** An object's record as a store writes it, before its step settles. */
export interface MediaRecord {
  key: string
  kind: MediaKind
  content_type: string
  byte_size: number
  checksum: string
  parent_id: string
  child_id?: string | null
  story_id?: string | null
  variant?: string
  width?: number | null
  store: MediaStoreName
  /** only for the postgres store */
  bytes?: Buffer | null
}

/** The objects of one image, as the API needs them to answer its URLs. */
export interface ImageObjectRef {
  image_id: string
  key: string
  variant: string
  width: number | null
  content_type: string
  store: MediaStoreName
}

/** Media objects' records (media_objects) and the queue of objects to delete (media_deletions). */
export const mediaRepository = {
  /**
   * Records an object, unsettled, before or with its bytes; a retried step writing the same key
   * replaces the record (and takes the key off the deletion queue), never adding a second one.
   */
  record(db: Db | Tx, record: MediaRecord) {
    const row = {
      child_id: null,
      story_id: null,
      variant: 'original',
      width: null,
      bytes: null,
      ...record,
    }
    return db
      .with('undeleted', (db) => db.deleteFrom('media_deletions').where('key', '=', record.key))
      .insertInto('media_objects')
      .values(row)
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({
          content_type: eb.ref('excluded.content_type'),
          byte_size: eb.ref('excluded.byte_size'),
          checksum: eb.ref('excluded.checksum'),
          width: eb.ref('excluded.width'),
          store: eb.ref('excluded.store'),
          bytes: eb.ref('excluded.bytes'),
        })),
      )
      .execute()
  },

  /** An object's record, with its bytes when the postgres store holds them. */
  find(db: Db, key: string) {
    return db
      .selectFrom('media_objects')
      .select(['key', 'kind', 'content_type', 'byte_size', 'checksum', 'store', 'bytes', 'settled_at', 'image_id'])
      .where('key', '=', key)
      .executeTakeFirst()
  },

  /** Marks objects settled (owned by a saved row), so the orphan sweep leaves them. */
  settle(db: Db | Tx, keys: readonly string[], imageId: string | null = null) {
    return db
      .updateTable('media_objects')
      .set({ settled_at: sql`now()`, image_id: imageId })
      .where('key', 'in', keys.length > 0 ? keys : [''])
      .execute()
  },

  /** The objects of the given images (every variant), for their URLs: one query for a whole answer. */
  async objectsOfImages(db: Db, imageIds: readonly string[]): Promise<ImageObjectRef[]> {
    if (imageIds.length === 0) return []
    return db
      .selectFrom('media_objects')
      .select(['image_id', 'key', 'variant', 'width', 'content_type', 'store'])
      .where('image_id', 'in', imageIds)
      .orderBy('width')
      .execute() as Promise<ImageObjectRef[]>
  },

  /**
   * Deletes the records of objects whose step never settled them within the grace period (a crash
   * between upload and settle); the deletion trigger queues their bytes' deletion. Returns how many.
   */
  async sweepOrphans(db: Db, graceSeconds: number, limit = 500): Promise<number> {
    const result = await sql`
      delete from media_objects where key in (
        select key from media_objects
        where settled_at is null and created_at < now() - make_interval(secs => ${graceSeconds})
        order by created_at limit ${limit} for update skip locked)
    `.execute(db)
    return Number(result.numAffectedRows ?? 0)
  },

  /** Objects due for deletion whose key no record uses again (a retried step may have written it anew). */
  async dueDeletions(db: Db, limit = 100): Promise<Array<{ key: string; store: 's3'; attempts: number }>> {
    return db
      .selectFrom('media_deletions as d')
      .select(['d.key', 'd.store', 'd.attempts'])
      .where('d.next_attempt_at', '<=', sql<Date>`now()`)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('media_objects as o').select('o.key').whereRef('o.key', '=', 'd.key'))),
      )
      .orderBy('d.next_attempt_at')
      .limit(limit)
      .execute()
  },

  /** A deleted object leaves the queue (a key written anew meanwhile leaves it too: it is in use). */
  deleted(db: Db, key: string) {
    return db.deleteFrom('media_deletions').where('key', '=', key).execute()
  },

  /** A failed deletion stays queued, tried again later with a growing delay (at most an hour). */
  deletionFailed(db: Db, key: string, error: string) {
    return db
      .updateTable('media_deletions')
      .set({
        attempts: sql`attempts + 1`,
        last_error: error.slice(0, 500),
        next_attempt_at: sql`now() + least(interval '1 hour', interval '10 seconds' * power(2, attempts))`,
      })
      .where('key', '=', key)
      .execute()
  },

  /** Deletion queue length (metrics, tests). */
  async pendingDeletions(db: Db): Promise<number> {
    const row = await db
      .selectFrom('media_deletions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    return Number(row.n)
  },

  /** The next batch of objects whose bytes are still in Postgres, after `afterKey` (for `media migrate`). */
  postgresBatch(db: Db, afterKey: string, limit: number) {
    return db
      .selectFrom('media_objects')
      .select(['key', 'content_type', 'checksum', 'bytes', 'byte_size'])
      .where('store', '=', 'postgres')
      .where('key', '>', afterKey)
      .orderBy('key')
      .limit(limit)
      .execute()
  },

  async countByStore(db: Db): Promise<Record<MediaStoreName, number>> {
    const rows = await db
      .selectFrom('media_objects')
      .select(['store', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('store')
      .execute()
    const counts: Record<MediaStoreName, number> = { postgres: 0, s3: 0 }
    for (const row of rows) counts[row.store] = Number(row.n)
    return counts
  },

  /** Frees an object's Postgres bytes once the store has them, checked against the same checksum. */
  async movedToS3(db: Db, key: string, checksum: string): Promise<boolean> {
    const result = await db
      .updateTable('media_objects')
      .set({ store: 's3', bytes: null })
      .where('key', '=', key)
      .where('store', '=', 'postgres')
      .where('checksum', '=', checksum)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  },
}
