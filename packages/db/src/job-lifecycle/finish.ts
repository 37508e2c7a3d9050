import { sql } from 'kysely'
import type { Db, Tx } from '../database.ts'
import type { JobRow } from '../schema.ts'
import { unfinished } from './unfinished.ts'

/** A job fails for good, with the code and message a client is shown. */
export function failQuery(db: Db | Tx, jobId: string, error: { code: string; message: string }) {
  return db
    .updateTable('jobs')
    .set({
      status: 'failed',
      error_code: error.code,
      error_message: error.message,
      updated_at: sql`now()`,
      finished_at: sql`now()`,
    })
    .where('id', '=', jobId)
    .where(unfinished())
    .returningAll()
}

/** A returned row means this very call failed the job; undefined when it was finished already or gone. */
export function fail(
  db: Db | Tx,
  jobId: string,
  error: { code: string; message: string },
): Promise<JobRow | undefined> {
  return failQuery(db, jobId, error).executeTakeFirst()
}

/** The parent stops a job: no step moves it on afterwards, and what it saved is kept for a retry. */
export function cancelQuery(db: Db | Tx, jobId: string) {
  return db
    .updateTable('jobs')
    .set({ status: 'cancelled', updated_at: sql`now()`, finished_at: sql`now()` })
    .where('id', '=', jobId)
    .where(unfinished())
    .returningAll()
}

/** A returned row means this very call cancelled the job; undefined when it was finished already or gone. */
export function cancel(db: Db | Tx, jobId: string): Promise<JobRow | undefined> {
  return cancelQuery(db, jobId).executeTakeFirst()
}
