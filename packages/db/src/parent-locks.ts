import { sql } from 'kysely'
import type { Tx } from './database.ts'

/**
 * Holds one parent's lock for the rest of the transaction: the story limits are checked under
 * it, so two requests at once cannot both slip under a limit.
 */
export async function lockParentRequests(tx: Tx, parentId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${parentId}))`.execute(tx)
}
