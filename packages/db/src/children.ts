import type { Db } from './database.ts'
import type { ChildUpdate, NewChild } from './schema.ts'

export const childRepository = {
  create(db: Db, child: NewChild) {
    return db.insertInto('children').values(child).returningAll().executeTakeFirstOrThrow()
  },

  listByParent(db: Db, parentId: string) {
    return db
      .selectFrom('children')
      .selectAll()
      .where('parent_id', '=', parentId)
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .execute()
  },

  /** Scoped to the parent: another parent's child is indistinguishable from a missing one. */
  findOwned(db: Db, parentId: string, childId: string) {
    return db
      .selectFrom('children')
      .selectAll()
      .where('id', '=', childId)
      .where('parent_id', '=', parentId)
      .executeTakeFirst()
  },

  find(db: Db, childId: string) {
    return db.selectFrom('children').selectAll().where('id', '=', childId).executeTakeFirst()
  },

  updateOwned(db: Db, parentId: string, childId: string, changes: ChildUpdate) {
    return db
      .updateTable('children')
      .set({ ...changes, updated_at: new Date() })
      .where('id', '=', childId)
      .where('parent_id', '=', parentId)
      .returningAll()
      .executeTakeFirst()
  },

  async deleteOwned(db: Db, parentId: string, childId: string): Promise<boolean> {
    const result = await db
      .deleteFrom('children')
      .where('id', '=', childId)
      .where('parent_id', '=', parentId)
      .executeTakeFirst()
    return result.numDeletedRows > 0n
  },
}
