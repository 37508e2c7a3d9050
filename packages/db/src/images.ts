import type { Db } from './database.ts'

/** Pictures are stored and replaced by the job's transitions (job-lifecycle/); this finds their originals. */
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
}
