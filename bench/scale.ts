// 8. scale: the hot reads (a child's library, a story, a job poll) on an almost empty database,
// then again with a million stories loaded, one child holding 50,000 of them.
import { createHmac, randomBytes, randomUUID } from 'node:crypto'
import { createDatabase, storyRepository } from '@dreamify/db'
import { type LibraryLoad, largeLibrary, libraryLoadStatements } from '@dreamify/testkit'
import type pg from 'pg'
import { encodeCursor } from '../apps/api/src/lib/cursor.ts'
import type { Figure, Outcome } from './report.ts'
import {
  BENCH_SECRET,
  type BenchContext,
  DATABASE_URL,
  type LoadResult,
  load,
  resetData,
  round,
  sleep,
  startApi,
} from './support/index.ts'

const CONNECTIONS = 10
const STATS_IDLE_FLUSH_MS = 11_000
const WARM_UP_SECONDS = 2
const SECONDS = 5

// The cursor route reads the page after the library's middle story.
const EMPTY: LibraryLoad = { parents: 1, storiesPerChild: 0, largeLibrary: 40, chaptersPerStory: 2 }
// 19,999 children with 50 stories each and one with 50,000: 1,049,950 stories, as in issue 11.
const MILLION: LibraryLoad = { parents: 20_000, storiesPerChild: 50, largeLibrary: 50_000, chaptersPerStory: 2 }

const ROUTES = ['library page', 'library page after a cursor', 'story with its chapters', 'job poll'] as const
type Route = (typeof ROUTES)[number]

interface RouteResult {
  run: LoadResult
  /** table rows Postgres read per request (pg_stat_user_tables: sequential reads and index fetches) */
  rowsPerRequest: number
}

/**
 * A bearer token for the bulk-loaded parent, who has no password: a session row of theirs, and an
 * access token for it signed as the API signs its own.
 */
async function tokenFor(pool: pg.Pool, parentId: string): Promise<string> {
  const sessionId = randomUUID()
  await pool.query(
    `insert into sessions (id, parent_id, family_id, token_hash, client, expires_at)
     values ($1, $2, $1, $3, 'bench', now() + interval '1 day')`,
    [sessionId, parentId, randomBytes(32)],
  )
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  const claims = { sub: parentId, sid: sessionId, jti: randomUUID(), iat: now, exp: now + 3600 }
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`
  return `${unsigned}.${createHmac('sha256', BENCH_SECRET).update(unsigned).digest('base64url')}`
}

async function rowsRead(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ rows: string }>(
    `select sum(coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0))::bigint as rows from pg_stat_user_tables`,
  )
  return Number(rows[0]!.rows)
}

/** The paths of the hot reads for the large library's child, story and job. */
async function routePaths(libraries: LibraryLoad): Promise<Record<Route, string>> {
  // A cursor as the API gives it out, after the library's middle story.
  const after = libraries.largeLibrary / 2
  const db = createDatabase({ url: DATABASE_URL, poolSize: 1 })
  const rows = await storyRepository.listByChild(db, largeLibrary.childId, { limit: after })
  await db.destroy()
  const library = `/api/children/${largeLibrary.childId}/stories`
  return {
    'library page': library,
    'library page after a cursor': `${library}?cursor=${encodeCursor(rows[after - 1]!)}`,
    'story with its chapters': `/api/stories/${largeLibrary.storyId}`,
    'job poll': `/api/jobs/${largeLibrary.jobId}`,
  }
}

/**
 * Each route on an API process of its own, so that its Postgres connections (and their prepared
 * statements) are new, and their table reads are counted once they close.
 */
/** Empties the database and bulk-loads the libraries; returns how long that took, in seconds. */
async function loadLibraries(pool: pg.Pool, libraries: LibraryLoad): Promise<number> {
  const started = performance.now()
  await resetData(pool)
  for (const statement of libraryLoadStatements(libraries)) await pool.query(statement)
  return (performance.now() - started) / 1000
}

async function measure(pool: pg.Pool, libraries: LibraryLoad, prefix: string, log: (message: string) => void) {
  const paths = await routePaths(libraries)
  const headers = { authorization: `Bearer ${await tokenFor(pool, largeLibrary.parentId)}` }
  // Backends report their table reads when idle for 10 s (or when they exit): wait, so that the
  // load's reads and the ones above are not counted against the first route.
  await sleep(STATS_IDLE_FLUSH_MS)
  const results = {} as Record<Route, RouteResult>
  for (const route of ROUTES) {
    const before = await rowsRead(pool)
    const api = await startApi({ QUEUE_PREFIX: prefix })
    const url = `${api.url}${paths[route]}`
    const warmUp = await load({ url, headers, connections: CONNECTIONS, duration: WARM_UP_SECONDS })
    const run = await load({ url, headers, connections: CONNECTIONS, duration: SECONDS })
    await api.stop()
    // A backend reports its table reads as it exits.
    await sleep(2000)
    const rowsPerRequest = ((await rowsRead(pool)) - before) / Math.max(1, warmUp.requests + run.requests)
    log(
      `  ${route}: ${Math.round(run.rps)} req/s, p50 ${round(run.latency.p50, 1)} ms, p99 ${round(run.latency.p99, 1)} ms, ${round(rowsPerRequest, 1)} rows read per request, non-2xx ${run.non2xx}`,
    )
    results[route] = { run, rowsPerRequest }
  }
  return results
}

async function count(pool: pg.Pool, table: string): Promise<number> {
  return Number((await pool.query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0]!.n)
}

export async function scale({ pool, prefix, log }: BenchContext): Promise<Outcome> {
  log(`almost empty: ${EMPTY.largeLibrary} stories of one child`)
  await loadLibraries(pool, EMPTY)
  const empty = await measure(pool, EMPTY, prefix, log)

  log('a million stories: bulk-loading (generate_series)')
  const loadS = await loadLibraries(pool, MILLION)
  const stories = await count(pool, 'stories')
  const chapters = await count(pool, 'chapters')
  log(
    `  ${stories.toLocaleString('en-US')} stories, ${chapters.toLocaleString('en-US')} chapters in ${round(loadS, 0)} s`,
  )
  const million = await measure(pool, MILLION, prefix, log)
  await resetData(pool)

  const figures: Figure[] = []
  for (const route of ROUTES) {
    const ratio = million[route].run.rps / empty[route].run.rps
    figures.push(
      { label: `${route}: throughput, almost empty`, value: empty[route].run.rps, unit: 'req/s', digits: 0 },
      { label: `${route}: throughput at 1M stories`, value: million[route].run.rps, unit: 'req/s', digits: 0 },
      {
        label: `${route}: throughput at 1M ÷ almost empty`,
        value: ratio,
        unit: '',
        digits: 2,
        target: '≥ 0.5',
        pass: ratio >= 0.5,
      },
      { label: `${route}: p99 at 1M stories`, value: million[route].run.latency.p99, unit: 'ms', digits: 1 },
    )
  }
  // A page reads its 21 stories, their jobs and covers, and the child; a story its row, its job and its chapters.
  const rowBounds: Record<Route, number> = {
    'library page': 100,
    'library page after a cursor': 100,
    'story with its chapters': 20,
    'job poll': 5,
  }
  for (const route of ROUTES) {
    const rows = million[route].rowsPerRequest
    figures.push({
      label: `${route}: rows read per request at 1M stories`,
      value: rows,
      unit: '',
      digits: 1,
      target: `≤ ${rowBounds[route]}`,
      pass: rows <= rowBounds[route],
    })
  }
  const failures = ROUTES.reduce(
    (sum, route) =>
      sum + [empty, million].reduce((s, r) => s + r[route].run.non2xx + r[route].run.errors + r[route].run.timeouts, 0),
    0,
  )
  figures.push({
    label: 'non-2xx answers and errors',
    value: failures,
    unit: '',
    digits: 0,
    target: '0',
    pass: failures === 0,
  })

  const describe = (results: Record<Route, RouteResult>) =>
    ROUTES.map(
      (route) =>
        `${route} ${Math.round(results[route].run.rps)} req/s (p50 ${round(results[route].run.latency.p50, 1)} ms, p99 ${round(results[route].run.latency.p99, 1)} ms, ${round(results[route].rowsPerRequest, 1)} rows read per request)`,
    ).join('; ')
  return {
    setup: `The large library's parent reads its child's library (the first page of 20, and the page after the library's middle story), its newest story with its chapters, and that story's job, first with only that child's ${EMPTY.largeLibrary} stories in the database, then with ${stories.toLocaleString('en-US')} stories (${MILLION.parents.toLocaleString('en-US')} children; that child has ${MILLION.largeLibrary.toLocaleString('en-US')}), ${chapters.toLocaleString('en-US')} chapters and a job per story, bulk-loaded with generate_series (packages/testkit/src/library-load.ts) in ${round(loadS, 0)} s. Each route runs on a new API process (DATABASE_POOL_SIZE 10, NODE_ENV production): ${WARM_UP_SECONDS} s of warm-up, so every connection's prepared statements are past the 5 runs after which Postgres may use a generic plan, then ${SECONDS} s measured, autocannon with ${CONNECTIONS} connections. Rows read per request are the tables' sequential reads and index fetches (pg_stat_user_tables) over both runs, counted when the API's connections close. The job poll is mostly answered from the API's 200 ms job cache.`,
    figures,
    notes: [`Almost empty: ${describe(empty)}.`, `At 1M stories: ${describe(million)}.`],
  }
}
