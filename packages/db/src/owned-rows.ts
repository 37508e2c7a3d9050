import type { Selectable } from 'kysely'
import type { Db, Tx } from './database.ts'
import type { Database } from './schema.ts'

/** The tables whose rows belong to one parent (`parent_id`) and are reached by their `id`. */
type OwnedTable = 'children' | 'stories' | 'jobs'

/**
 * A parent's own row, by id: scoped to the parent, so that another parent's child, story or job is
 * indistinguishable from a missing one.
 */
export function findOwnedRow<T extends OwnedTable>(db: Db | Tx, table: T, parentId: string, id: string) {
  // Kysely builds the query for the union of the tables, not for a generic one; the row is T's.
  return db
    .selectFrom(table as OwnedTable)
    .selectAll()
    .where('id', '=', id)
    .where('parent_id', '=', parentId)
    .$castTo<Selectable<Database[T]>>()
    .executeTakeFirst()
}

/** Deletes a parent's own row, by id (another parent's is left alone); false when there was none. */
export async function deleteOwnedRow(db: Db | Tx, table: OwnedTable, parentId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom(table).where('id', '=', id).where('parent_id', '=', parentId).executeTakeFirst()
  return result.numDeletedRows > 0n
}

/** What is erased together: a parent's whole account, or one of their children or stories. */
export type OwnedScope =
  | { parentId: string }
  | { parentId: string; childId: string }
  | { parentId: string; storyId: string }
