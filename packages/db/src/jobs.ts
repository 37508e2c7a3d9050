import type { JobKind, JobStage } from '@dreamify/core'
import { sql } from 'kysely'
import type { Db, Tx } from './database.ts'

const UNFINISHED = ['queued', 'running'] as const

export const jobRepository = {
  create(
    db: Db | Tx,
    job: {
      id: string
      parent_id: string
      kind: JobKind
      story_id?: string
      child_id?: string
      chapter_number?: number
      chapters_total?: number
      chapters_illustrated?: number
      chapters_settled?: number
    },
  ) {
    return db.insertInto('jobs').values(job).returningAll().executeTakeFirstOrThrow()
  },

  find(db: Db | Tx, jobId: string) {
    return db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirst()
  },

  /** Scoped to the parent: another parent's job is indistinguishable from a missing one. */
  findOwned(db: Db, parentId: string, jobId: string) {
    return db
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', jobId)
      .where('parent_id', '=', parentId)
      .executeTakeFirst()
  },

  /** Locks the job row for the rest of the transaction, so concurrent steps of one story serialise here. */
  lock(tx: Tx, jobId: string) {
    return tx.selectFrom('jobs').selectAll().where('id', '=', jobId).forUpdate().executeTakeFirst()
  },

  /**
   * Moves an unfinished job on. Progress never goes back: percent only grows, and a finished
   * (completed, failed or cancelled) job is never touched. Returns the row, or undefined when the
   * job is finished or gone, which tells the caller to stop.
   */
  advance(
    db: Db | Tx,
    jobId: string,
    change: { stage?: JobStage; percent?: number; chapters_illustrated?: number; attempt?: boolean },
  ) {
    return db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'running',
        ...(change.stage ? { stage: change.stage } : {}),
        ...(change.percent === undefined
          ? {}
          : { percent: sql<number>`greatest(percent, ${Math.min(100, Math.round(change.percent))})` }),
        ...(change.chapters_illustrated === undefined
          ? {}
          : { chapters_illustrated: sql<number>`greatest(chapters_illustrated, ${change.chapters_illustrated})` }),
        ...(change.attempt ? { attempts: eb('attempts', '+', 1) } : {}),
        updated_at: new Date(),
      }))
      .where('id', '=', jobId)
      .where('status', 'in', UNFINISHED)
      .returningAll()
      .executeTakeFirst()
  },

  complete(db: Db | Tx, jobId: string) {
    return db
      .updateTable('jobs')
      .set({
        status: 'completed',
        stage: 'done',
        percent: 100,
        updated_at: new Date(),
        finished_at: new Date(),
        error_code: null,
        error_message: null,
      })
      .where('id', '=', jobId)
      .where('status', 'in', UNFINISHED)
      .returningAll()
      .executeTakeFirst()
  },

  fail(db: Db | Tx, jobId: string, error: { code: string; message: string }) {
    return db
      .updateTable('jobs')
      .set({
        status: 'failed',
        error_code: error.code,
        error_message: error.message,
        updated_at: new Date(),
        finished_at: new Date(),
      })
      .where('id', '=', jobId)
      .where('status', 'in', UNFINISHED)
      .returningAll()
      .executeTakeFirst()
  },

  cancel(db: Db | Tx, jobId: string) {
    return db
      .updateTable('jobs')
      .set({ status: 'cancelled', updated_at: new Date(), finished_at: new Date() })
      .where('id', '=', jobId)
      .where('status', 'in', UNFINISHED)
      .returningAll()
      .executeTakeFirst()
  },

  /**
   * Jobs Postgres says are unfinished and that have not moved for a while: the reconciler's work
   * list. It reads every unfinished job (a partial index); updated_at is deliberately not indexed,
   * so progress updates stay in place (see the 2026-11-28 migration).
   */
  listStale(db: Db, olderThan: Date, limit: number) {
    return db
      .selectFrom('jobs')
      .selectAll()
      .where('status', 'in', UNFINISHED)
      .where('updated_at', '<', olderThan)
      .orderBy('updated_at', 'asc')
      .limit(limit)
      .execute()
  },

  /** Touches a job so the reconciler leaves it alone for another interval. */
  touch(db: Db, jobId: string) {
    return db
      .updateTable('jobs')
      .set({ updated_at: new Date() })
      .where('id', '=', jobId)
      .where('status', 'in', UNFINISHED)
      .execute()
  },

  /**
   * The statuses are literals, not parameters: the prepared statement's generic plan can then read
   * only unfinished jobs (jobs_unfinished_idx) instead of every job the parent ever had.
   */
  async countStoriesInFlight(db: Db | Tx, parentId: string): Promise<number> {
    const row = await db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('parent_id', '=', parentId)
      .where('kind', '=', 'story')
      .where(
        'status',
        'in',
        UNFINISHED.map((status) => sql.lit(status)),
      )
      .executeTakeFirstOrThrow()
    return Number(row.count)
  },
}
