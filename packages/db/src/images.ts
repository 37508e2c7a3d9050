import type { Db, Tx } from './database.ts'

export const imageRepository = {
  async insert(
    db: Db | Tx,
    image: { parent_id: string; child_id: string; story_id?: string | null; content_type: string; bytes: Buffer },
  ): Promise<string> {
    const row = await db
      .insertInto('images')
      .values({ ...image, byte_size: image.bytes.length })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  },

  /** The stored bytes as they are: served without base64 and without another copy. */
  findForServing(db: Db, imageId: string) {
    return db
      .selectFrom('images')
      .select(['id', 'content_type', 'bytes', 'byte_size', 'created_at'])
      .where('id', '=', imageId)
      .executeTakeFirst()
  },

  delete(db: Db | Tx, imageId: string) {
    return db.deleteFrom('images').where('id', '=', imageId).execute()
  },
}
