// Postgres and Redis
import { deleteKeysAt, waitFor } from '@dreamify/testkit'
import pg from 'pg'
import { DATABASE_URL, REDIS_URL } from './constants.ts'
import { type ApiClient, postStories } from './http.ts'

export function createPool(max = 3) {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max })
  pool.on('error', () => {})
  return pool
}

/** Empties every table (the schema stays), so each benchmark starts from nothing. */
export async function resetData(pool: pg.Pool) {
  await pool.query('truncate parents, children, stories, images, chapters, jobs, idempotency_keys cascade')
}

export interface StoryJobTally {
  total: number
  completed: number
  failed: number
  cancelled: number
  /** first created_at, last finished_at (ms since epoch) over finished story jobs */
  firstCreated: number
  lastFinished: number
}

export async function tallyStoryJobs(pool: pg.Pool, ids?: string[]): Promise<StoryJobTally> {
  const { rows } = await pool.query(
    `select count(*)::int as total,
            count(*) filter (where status = 'completed')::int as completed,
            count(*) filter (where status = 'failed')::int as failed,
            count(*) filter (where status = 'cancelled')::int as cancelled,
            extract(epoch from min(created_at)) * 1000 as first_created,
            extract(epoch from max(finished_at)) * 1000 as last_finished
       from jobs where kind = 'story' ${ids ? 'and id = any($1::text[])' : ''}`,
    ids ? [ids] : [],
  )
  const row = rows[0]
  return {
    total: row.total,
    completed: row.completed,
    failed: row.failed,
    cancelled: row.cancelled,
    firstCreated: Number(row.first_created),
    lastFinished: Number(row.last_finished),
  }
}

/** Waits until every given story job (or every story job) is finished; returns the tally. */
export async function waitForStories(
  pool: pg.Pool,
  expected: number,
  { timeoutMs, ids, intervalMs = 100 }: { timeoutMs: number; ids?: string[]; intervalMs?: number },
) {
  let last: StoryJobTally | undefined
  try {
    return await waitFor(
      `${expected} stories to finish`,
      async () => {
        last = await tallyStoryJobs(pool, ids)
        return last.completed + last.failed + last.cancelled >= expected ? last : undefined
      },
      { timeoutMs, intervalMs },
    )
  } catch (error) {
    throw new Error(`${(error as Error).message} (last tally: ${JSON.stringify(last)})`)
  }
}

/** Posts `count` stories round-robin over the parents and waits until every one of them has finished. */
export async function storiesThrough(
  pool: pg.Pool,
  clients: ApiClient[],
  count: number,
  { concurrency, timeoutMs, intervalMs }: { concurrency: number; timeoutMs: number; intervalMs?: number },
) {
  const ids = await postStories(clients, count, concurrency)
  const tally = await waitForStories(pool, count, { ids, timeoutMs, intervalMs })
  return { ids, tally }
}

/** Per story job: finished_at - created_at in ms. */
export async function storyDurations(pool: pg.Pool, ids: string[]): Promise<number[]> {
  const { rows } = await pool.query(
    `select extract(epoch from (finished_at - created_at)) * 1000 as ms from jobs where id = any($1::text[]) and status = 'completed'`,
    [ids],
  )
  return rows.map((r) => Number(r.ms))
}

export async function databaseCounters(pool: pg.Pool) {
  const { rows } = await pool.query(
    `select d.xact_commit::bigint as commits, d.tup_inserted::bigint as inserted, d.tup_updated::bigint as updated, d.tup_fetched::bigint as fetched,
            w.wal_records::bigint as wal_records, w.wal_bytes::bigint as wal_bytes, w.wal_sync::bigint as wal_syncs
       from pg_stat_database d, pg_stat_wal w where d.datname = current_database()`,
  )
  const row = rows[0]
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as Record<
    'commits' | 'inserted' | 'updated' | 'fetched' | 'wal_records' | 'wal_bytes' | 'wal_syncs',
    number
  >
}

export function newPrefix(name: string) {
  return `dreamify-bench-${name}-${process.pid}-${Date.now().toString(36)}`
}

export const deleteKeys = (prefix: string) => deleteKeysAt(REDIS_URL, prefix)
