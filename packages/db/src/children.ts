import { type QueryCreator, sql } from 'kysely'
import type { Db } from './database.ts'
import { type RequestDecision, requestDecisionRows } from './moderation.ts'
import { deleteOwnedRow, findOwnedRow } from './owned-rows.ts'
import type { ChildUpdate, Database, NewChild } from './schema.ts'

// The request-time decisions that let a child's free text through, stored by the statement that
// saves the child (no round trip of their own), and only when it does: an update of another
// parent's child writes none.
const auditOf = (decisions: readonly RequestDecision[]) => (qc: QueryCreator<Database>) =>
  qc
    .insertInto('moderation_decisions')
    .columns(['parent_id', 'story_id', 'job_id', 'stage', 'target', 'moderator', 'decision', 'categories'])
    .expression(
      sql`select saved.parent_id, null, null, 'request', d.target, d.moderator, d.decision, d.categories
        from saved, ${requestDecisionRows(decisions)}`,
    )

export const childRepository = {
  create(db: Db, child: NewChild, decisions: readonly RequestDecision[] = []) {
    return db
      .with('saved', (qc) => qc.insertInto('children').values(child).returningAll())
      .with('audit', auditOf(decisions))
      .selectFrom('saved')
      .selectAll()
      .executeTakeFirstOrThrow()
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

  findOwned(db: Db, parentId: string, childId: string) {
    return findOwnedRow(db, 'children', parentId, childId)
  },

  find(db: Db, childId: string) {
    return db.selectFrom('children').selectAll().where('id', '=', childId).executeTakeFirst()
  },

  updateOwned(
    db: Db,
    parentId: string,
    childId: string,
    changes: ChildUpdate,
    decisions: readonly RequestDecision[] = [],
  ) {
    return db
      .with('saved', (qc) =>
        qc
          .updateTable('children')
          .set({ ...changes, updated_at: new Date() })
          .where('id', '=', childId)
          .where('parent_id', '=', parentId)
          .returningAll(),
      )
      .with('audit', auditOf(decisions))
      .selectFrom('saved')
      .selectAll()
      .executeTakeFirst()
  },

  deleteOwned(db: Db, parentId: string, childId: string): Promise<boolean> {
    return deleteOwnedRow(db, 'children', parentId, childId)
  },
}
