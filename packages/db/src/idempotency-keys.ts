import { sql } from 'kysely'
import type { Db } from './database.ts'

const TTL = sql`interval '24 hours'`
// A reservation still without a response after this long belongs to a process that died mid-request
// (a request takes seconds: statements time out after 30 s). It is cleared so the key is not stuck
// for 24 h; the price is that a request that committed but could not record its answer may run twice.
const ABANDONED_AFTER = sql`interval '2 minutes'`
/** A row that no longer holds its key: expired, or a reservation abandoned by a process that died. */
const DEAD = sql<boolean>`(expires_at <= now() or (response_status is null and created_at < now() - ${ABANDONED_AFTER}))`

/** The stored answers behind the API's `Idempotency-Key` header (apps/api/src/lib/idempotency.ts). */
export const idempotencyRepository = {
  /** Claims the key with an empty response; false when a live row already holds it. */
  async reserve(
    db: Db,
    row: { parent_id: string; key: string; route: string; request_hash: string },
  ): Promise<boolean> {
    // Opportunistic cleanup of this parent's dead rows (the primary key starts with parent_id).
    await db.deleteFrom('idempotency_keys').where('parent_id', '=', row.parent_id).where(DEAD).execute()
    const inserted = await db
      .insertInto('idempotency_keys')
      .values({ ...row, response_status: null, response_body: null, expires_at: sql<Date>`now() + ${TTL}` })
      .onConflict((oc) => oc.columns(['parent_id', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst()
    return inserted !== undefined
  },

  find(db: Db, parentId: string, key: string) {
    return db
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'response_status', 'response_body'])
      .where('parent_id', '=', parentId)
      .where('key', '=', key)
      .where('expires_at', '>', sql<Date>`now()`)
      .executeTakeFirst()
  },

  /** Records the answer to replay; `body` is the JSON text that was sent. */
  async complete(db: Db, parentId: string, key: string, status: number, body: string | null) {
    await db
      .updateTable('idempotency_keys')
      .set({ response_status: status, response_body: body })
      .where('parent_id', '=', parentId)
      .where('key', '=', key)
      .where('response_status', 'is', null)
      .execute()
  },

  /**
   * Deletes expired keys and abandoned reservations, at most `limit` of them, oldest first, and
   * says how many: the worker's housekeeping, so keys of parents who never come back do not pile up.
   */
  async deleteExpired(db: Db, limit: number): Promise<number> {
    const result = await sql`
      delete from idempotency_keys where (parent_id, key) in (
        select parent_id, key from idempotency_keys where ${DEAD} order by expires_at limit ${limit}
      )
    `.execute(db)
    return Number(result.numAffectedRows ?? 0n)
  },

  /** Gives the key back (the first request failed), so a corrected retry can use it. */
  async release(db: Db, parentId: string, key: string) {
    await db
      .deleteFrom('idempotency_keys')
      .where('parent_id', '=', parentId)
      .where('key', '=', key)
      .where('response_status', 'is', null)
      .execute()
  },
}
