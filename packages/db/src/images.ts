import type { Db } from './database.ts'

/** Pictures are stored and replaced by the job's transitions (job-lifecycle/); this serves them. */
export const imageRepository = {
  /** The stored bytes as they are: served without base64 and without another copy. */
  findForServing(db: Db, imageId: string) {
    return db
      .selectFrom('images')
      .select(['id', 'content_type', 'bytes', 'byte_size', 'created_at'])
      .where('id', '=', imageId)
      .executeTakeFirst()
  },
}
