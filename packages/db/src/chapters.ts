import type { Db, Tx } from './database.ts'

export const chapterRepository = {
  /** Saves a chapter's text once: a retried or resumed text step never duplicates or rewrites it. */
  async insertIfAbsent(
    db: Db | Tx,
    chapter: { story_id: string; number: number; title: string; content: string },
  ): Promise<boolean> {
    const result = await db
      .insertInto('chapters')
      .values(chapter)
      .onConflict((oc) => oc.columns(['story_id', 'number']).doNothing())
      .executeTakeFirst()
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n
  },

  listByStory(db: Db | Tx, storyId: string) {
    return db
      .selectFrom('chapters')
      .select(['number', 'title', 'content', 'image_status', 'image_id', 'image_error_code'])
      .where('story_id', '=', storyId)
      .orderBy('number')
      .execute()
  },

  /** Why a chapter's picture failed for good, written just before the chapter is settled as failed. */
  async recordImageFailure(db: Db | Tx, storyId: string, chapterNumber: number, code: string): Promise<void> {
    await db
      .updateTable('chapters')
      .set({ image_error_code: code })
      .where('story_id', '=', storyId)
      .where('number', '=', chapterNumber)
      .execute()
  },

  find(db: Db | Tx, storyId: string, number: number) {
    return db
      .selectFrom('chapters')
      .selectAll()
      .where('story_id', '=', storyId)
      .where('number', '=', number)
      .executeTakeFirst()
  },

  lock(tx: Tx, storyId: string, number: number) {
    return tx
      .selectFrom('chapters')
      .selectAll()
      .where('story_id', '=', storyId)
      .where('number', '=', number)
      .forUpdate()
      .executeTakeFirst()
  },

  attachImage(tx: Tx, storyId: string, number: number, imageId: string) {
    return tx
      .updateTable('chapters')
      .set({ image_id: imageId, image_status: 'ready', updated_at: new Date() })
      .where('story_id', '=', storyId)
      .where('number', '=', number)
      .execute()
  },

  setImageStatus(db: Db | Tx, storyId: string, number: number, status: 'pending' | 'failed') {
    return db
      .updateTable('chapters')
      .set({ image_status: status, updated_at: new Date() })
      .where('story_id', '=', storyId)
      .where('number', '=', number)
      .execute()
  },

  /** Gives every chapter whose drawing failed another chance (a retried story). */
  resetFailedImages(tx: Tx, storyId: string) {
    return tx
      .updateTable('chapters')
      .set({ image_status: 'pending', updated_at: new Date() })
      .where('story_id', '=', storyId)
      .where('image_status', '=', 'failed')
      .execute()
  },

  /** How far the story's illustration has come: chapters saved, illustrated, and settled (illustrated or failed for good). */
  async tally(db: Db | Tx, storyId: string) {
    const row = await db
      .selectFrom('chapters')
      .select((eb) => [
        eb.fn.countAll<string>().as('written'),
        eb.fn.count<string>('id').filterWhere('image_status', '=', 'ready').as('illustrated'),
        eb.fn.count<string>('id').filterWhere('image_status', '!=', 'pending').as('settled'),
      ])
      .where('story_id', '=', storyId)
      .executeTakeFirstOrThrow()
    return { written: Number(row.written), illustrated: Number(row.illustrated), settled: Number(row.settled) }
  },
}
