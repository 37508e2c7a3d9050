import { sql } from 'kysely'
import type { Db } from './database.ts'
import type { OwnedScope } from './owned-rows.ts'

/** The images joined to their originals' media objects, selecting the original's key. */
const originalKeysOfImages = (db: Db) =>
  db
    .selectFrom('images')
    .innerJoin('media_objects', (join) =>
      join.onRef('media_objects.image_id', '=', 'images.id').on('media_objects.variant', '=', 'original'),
    )
    .select('media_objects.key')

/**
 * Pictures are stored and replaced by the job's transitions (job-lifecycle/); this finds their
 * originals, and keeps track of their variants, which the image-variants step makes after the
 * picture settles.
 */
export const imageRepository = {
  /** The original's media object of an image (its bytes are in the store the record names). */
  findOriginal(db: Db, imageId: string) {
    return db
      .selectFrom('media_objects')
      .select(['key', 'store', 'content_type', 'byte_size'])
      .where('image_id', '=', imageId)
      .where('variant', '=', 'original')
      .executeTakeFirst()
  },

  /**
   * The originals' keys of the pictures of an account, a child or a story that may still have a
   * variants job in Redis (its id is made of the key): those still waiting for their variants, and
   * those whose variants were made within `retentionSeconds`, the longest a finished entry is kept.
   * Older ones have none left.
   */
  async originalKeysWithVariantsEntries(db: Db, scope: OwnedScope, retentionSeconds: number): Promise<string[]> {
    let query = originalKeysOfImages(db).where('images.parent_id', '=', scope.parentId)
    if ('childId' in scope) query = query.where('images.child_id', '=', scope.childId)
    if ('storyId' in scope) query = query.where('images.story_id', '=', scope.storyId)
    const rows = await query
      .where((eb) =>
        eb.or([
          eb('images.variants_made_at', 'is', null),
          eb('images.variants_made_at', '>', sql<Date>`now() - make_interval(secs => ${retentionSeconds})`),
        ]),
      )
      .execute()
    return rows.map((row) => row.key)
  },

  /**
   * A settled picture, by its original's key, when its variants are still to make (undefined once
   * they are made, or when the picture is gone or not settled): its image, where the original is
   * stored, and the owners its variants are recorded under.
   */
  findAwaitingVariants(db: Db, originalKey: string) {
    return db
      .selectFrom('media_objects')
      .innerJoin('images', 'images.id', 'media_objects.image_id')
      .select(['images.id as imageId', 'media_objects.store', 'images.parent_id', 'images.child_id', 'images.story_id'])
      .where('media_objects.key', '=', originalKey)
      .where('images.variants_made_at', 'is', null)
      .executeTakeFirst()
  },

  /**
   * Settles an image's variants in one statement: their media objects (stored already, recorded
   * unsettled) become the image's, its original's record gets the width sharp read, and the image
   * is marked done, also when there was nothing to make. An image deleted meanwhile settles
   * nothing: its objects stay unsettled and are swept.
   */
  async settleVariants(
    db: Db,
    imageId: string,
    made: { keys: readonly string[]; originalWidth: number | null },
  ): Promise<void> {
    await sql`
      with image as (
        update images set variants_made_at = now() where id = ${imageId}::uuid returning id
      ), original as (
        update media_objects set width = coalesce(${made.originalWidth}::integer, width)
        from image where media_objects.image_id = image.id and media_objects.variant = 'original'
      )
      update media_objects set image_id = image.id, settled_at = now()
      from image where key = any(${made.keys}::text[]) and media_objects.image_id is null
    `.execute(db)
  },

  /**
   * The originals' keys of pictures settled more than `olderThanSeconds` ago whose variants were
   * never made: their job was lost (a crash between the settle and the enqueue), or the picture
   * predates the step.
   */
  async listAwaitingVariants(db: Db, olderThanSeconds: number, limit: number): Promise<string[]> {
    const rows = await originalKeysOfImages(db)
      .where('images.variants_made_at', 'is', null)
      .where('images.created_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanSeconds})`)
      .orderBy('images.created_at')
      .limit(limit)
      .execute()
    return rows.map((row) => row.key)
  },
}
