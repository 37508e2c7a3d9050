import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Db, Tx } from './database.ts'

/**
 * Refresh tokens, one row per token, grouped in families: a family is one session (its id is the
 * first row's id, the access tokens' `sid`). A family is revoked as a whole, and a revoked row
 * anywhere in it ends it, so a row a racing rotation adds after the revocation is dead as well.
 */
export const sessionRepository = {
  /** A sign-in: a new family whose first token is this one. */
  async start(db: Db, row: { parent_id: string; token_hash: Buffer; client: string; expires_at: Date }) {
    const id = randomUUID()
    return db
      .insertInto('sessions')
      .values({ ...row, id, family_id: id })
      .returning(['id', 'family_id', 'expires_at'])
      .executeTakeFirstOrThrow()
  },

  /**
   * Opportunistic cleanup at each sign-in: rows of the parent's sessions that have expired, or were
   * revoked a day ago (long past their access tokens' lifetime). A token of theirs presented later is
   * unknown, which answers exactly as revoked does.
   */
  prune(db: Db, parentId: string) {
    return db
      .deleteFrom('sessions')
      .where('parent_id', '=', parentId)
      .where((eb) =>
        eb.or([eb('expires_at', '<=', sql<Date>`now()`), eb('revoked_at', '<', sql<Date>`now() - interval '1 day'`)]),
      )
      .execute()
  },

  /** The token's row, locked, so two refreshes with one token are decided one after the other. */
  findForRefresh(tx: Tx, tokenHash: Buffer) {
    return tx
      .selectFrom('sessions')
      .select(['id', 'parent_id', 'family_id', 'expires_at', 'rotated_at'])
      .select((eb) =>
        eb
          .exists(
            eb
              .selectFrom('sessions as sibling')
              .select(sql`1`.as('one'))
              .whereRef('sibling.family_id', '=', 'sessions.family_id')
              .where('sibling.revoked_at', 'is not', null),
          )
          .as('family_revoked'),
      )
      .where('token_hash', '=', tokenHash)
      .forUpdate()
      .executeTakeFirst()
  },

  /** Marks a token used up (its first rotation only: a grace-window sibling keeps the first time). */
  markRotated(tx: Tx, id: string) {
    return tx
      .updateTable('sessions')
      .set({ rotated_at: sql<Date>`coalesce(rotated_at, now())`, last_used_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute()
  },

  /** The next token of a family; it inherits the family's absolute expiry. */
  addToFamily(
    tx: Tx,
    row: { parent_id: string; family_id: string; token_hash: Buffer; client: string; expires_at: Date },
  ) {
    return tx.insertInto('sessions').values(row).execute()
  },

  /** Revokes whole families; answers the ids of those that were live until now. */
  async revokeFamilies(db: Db | Tx, familyIds: string[]): Promise<string[]> {
    if (familyIds.length === 0) return []
    const rows = await db
      .updateTable('sessions')
      .set({ revoked_at: sql<Date>`now()` })
      .where('family_id', 'in', familyIds)
      .where('revoked_at', 'is', null)
      .returning('family_id')
      .execute()
    return [...new Set(rows.map((r) => r.family_id))]
  },

  /** The parent's live sessions, ids only (another parent's id is simply not among them). */
  async liveFamilyIds(db: Db | Tx, parentId: string): Promise<string[]> {
    const rows = await db
      .selectFrom('sessions')
      .select('family_id')
      .distinct()
      .where('parent_id', '=', parentId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .execute()
    return rows.map((r) => r.family_id)
  },

  /** One entry per live session: started when its family did, last used at its latest refresh. */
  listLive(db: Db, parentId: string) {
    return db
      .selectFrom('sessions')
      .select([
        'family_id as id',
        sql<Date>`min(created_at)`.as('created_at'),
        sql<Date>`max(last_used_at)`.as('last_used_at'),
        sql<string>`(array_agg(client order by created_at desc))[1]`.as('client'),
      ])
      .where('parent_id', '=', parentId)
      .where('expires_at', '>', sql<Date>`now()`)
      .groupBy('family_id')
      .having(sql<boolean>`bool_and(revoked_at is null)`)
      .orderBy(sql`min(created_at)`)
      .execute()
  },

  /** Whether access tokens of this session are still good: it exists, is not revoked and has not expired. */
  async isLive(db: Db, familyId: string): Promise<boolean> {
    const row = await db
      .selectFrom('sessions')
      .select(sql<boolean>`bool_and(revoked_at is null and expires_at > now())`.as('live'))
      .where('family_id', '=', familyId)
      .executeTakeFirst()
    return row?.live === true
  },
}
