import { sql } from 'kysely'
import type { Db } from '../database.ts'
import type { JobRow } from '../schema.ts'
import { unfinished } from './unfinished.ts'

/**
 * Jobs Postgres says are unfinished and that have not moved for a while: the reconciler's work
 * list. It reads every unfinished job (a partial index); updated_at is deliberately not indexed,
 * so progress updates stay in place (see the 2026-11-28 migration).
 */
export function listStaleQuery(db: Db, olderThan: Date, limit: number) {
  return db
    .selectFrom('jobs')
    .selectAll()
    .where(unfinished())
    .where('updated_at', '<', olderThan)
    .orderBy('updated_at', 'asc')
    .limit(limit)
}

export function listStale(db: Db, olderThan: Date, limit: number): Promise<JobRow[]> {
  return listStaleQuery(db, olderThan, limit).execute()
}

/** Touches an unfinished job so the reconciler leaves it alone for another interval. */
export function touchQuery(db: Db, jobId: string) {
  return db.updateTable('jobs').set({ updated_at: sql`now()` }).where('id', '=', jobId).where(unfinished())
}

export async function touch(db: Db, jobId: string): Promise<void> {
  await touchQuery(db, jobId).execute()
}
