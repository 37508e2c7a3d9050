// Readings for the reports: CPU by process and by database backend, database waits, what else
// is running, BullMQ's event counts and the services' log messages.
import { readdirSync, readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { runningChildren, waitFor } from '@dreamify/testkit'
import { Redis } from 'ioredis'
import type pg from 'pg'
import { REDIS_URL } from './constants.ts'
import { round } from './numbers.ts'
import { type cpuBreakdown, cpuSnapshot, cpuTicksOf, TICK_MS } from './proc.ts'
import type { Service } from './processes.ts'

export interface BenchContext {
  pool: pg.Pool
  /** a queue prefix of this benchmark's own; its keys are deleted after it */
  prefix: string
  log: (message: string) => void
}

export const coresOf = (coreSeconds: number, wallS: number) => round(coreSeconds / wallS, 2)

/** "api 0.93, postgres 0.41, …" cores used on average over the window, largest first. */
export function describeCpu(breakdown: ReturnType<typeof cpuBreakdown>, rename: Record<string, string> = {}) {
  const parts = Object.entries(breakdown.parts)
    .filter(([, v]) => v > 0.005 * breakdown.wallS)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${rename[k] ?? k} ${coresOf(v, breakdown.wallS)}`)
  return `CPU over ${round(breakdown.wallS, 1)} s, in cores (of ${cpuCount()}): ${parts.join(', ')}; machine busy ${coresOf(breakdown.busyCoreS, breakdown.wallS)}`
}

export const cpuCount = () => availableParallelism()

/** Waits until no avatar job is queued or running (a child's avatar is drawn when it is added). */
export async function waitForAvatars(pool: pg.Pool, timeoutMs = 60_000) {
  await waitFor(
    'the avatars to be drawn',
    async () =>
      (
        await pool.query(
          `select count(*)::int as n from jobs where kind = 'avatar' and status in ('queued', 'running')`,
        )
      ).rows[0].n === 0,
    { timeoutMs },
  )
}

/**
 * Samples what the database's client backends are doing (pg_stat_activity) until stopped:
 * the average number of sessions running, waiting on a lock or on I/O, or idle in a
 * transaction (waiting for the client's next statement).
 */
export function sampleDatabaseWaits(pool: pg.Pool, intervalMs = 100) {
  const counts = new Map<string, number>()
  let samples = 0
  let stopped = false
  const loop = (async () => {
    while (!stopped) {
      try {
        const { rows } = await pool.query(
          `select state, wait_event_type, wait_event, count(*)::int as n from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend' and state <> 'idle'
            group by 1, 2, 3`,
        )
        samples++
        for (const row of rows) {
          const key =
            row.state === 'active'
              ? row.wait_event_type
                ? `waiting on ${row.wait_event_type}:${row.wait_event}`
                : 'running'
              : row.state === 'idle in transaction'
                ? 'idle in transaction (waiting for the client)'
                : row.state
          counts.set(key, (counts.get(key) ?? 0) + row.n)
        }
      } catch {}
      await sleep(intervalMs)
    }
  })()
  return {
    async stop() {
      stopped = true
      await loop
      const average = [...counts]
        .map(([k, v]) => [k, v / Math.max(1, samples)] as [string, number])
        .sort((a, b) => b[1] - a[1])
      return { samples, average }
    },
  }
}

/**
 * What else is running: the machine's busy cores over a short window (nothing of the bench's
 * runs yet), and Dreamify processes the bench did not start (other test runs, or ones they left behind).
 */
export async function backgroundLoad(windowMs = 3000) {
  const before = cpuSnapshot({})
  await sleep(windowMs)
  const after = cpuSnapshot({})
  const ours = new Set(runningChildren().map((c) => c.pid))
  let foreign = 0
  let orphans = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || ours.has(Number(entry))) continue
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
      if (!/apps\/(worker\/src\/main|api\/src\/server)\.ts/.test(cmdline)) continue
      foreign++
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      if (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] === '1') orphans++
    } catch {}
  }
  return {
    busyCores: (after.busy - before.busy - (after.byGroup.bench! - before.byGroup.bench!)) / (after.at - before.at),
    foreign,
    orphans,
  }
}

/** CPU ms used so far by each Postgres backend serving the bench database. */
export async function backendCpu(pool: pg.Pool): Promise<Map<number, number>> {
  const { rows } = await pool.query(`select pid from pg_stat_activity where datname = current_database()`)
  return new Map(rows.map((r) => [Number(r.pid), cpuTicksOf(Number(r.pid)) * TICK_MS]))
}

/** Core-seconds the bench database's backends used between two readings (backends that ended meanwhile are missed). */
export function backendCpuSeconds(before: Map<number, number>, after: Map<number, number>) {
  let ms = 0
  for (const [pid, used] of after) ms += used - (before.get(pid) ?? 0)
  return ms / 1000
}

/** BullMQ's own event counts for a queue (completed, stalled, failed, …), from its events stream. */
export async function queueEventCounts(prefix: string, queue: string): Promise<Record<string, number>> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
  redis.on('error', () => {})
  const counts: Record<string, number> = {}
  try {
    let start = '-'
    for (let page = 0; page < 100; page++) {
      const entries = (await redis.xrange(`${prefix}:${queue}:events`, start, '+', 'COUNT', 1000)) as Array<
        [string, string[]]
      >
      for (const [, fields] of entries) {
        const event = fields[fields.indexOf('event') + 1] ?? 'unknown'
        counts[event] = (counts[event] ?? 0) + 1
      }
      if (entries.length < 1000) break
      start = `(${entries.at(-1)![0]}`
    }
  } finally {
    redis.disconnect()
  }
  return counts
}

/** "msg ×n; …" over several services, most frequent first. */
export function describeMessages(services: Service[], skip: string[] = ['step done']) {
  const counts = new Map<string, number>()
  for (const service of services)
    for (const [msg, n] of service.messages) if (!skip.includes(msg)) counts.set(msg, (counts.get(msg) ?? 0) + n)
  const text =
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([msg, n]) => `"${msg}" ×${n}`)
      .join('; ') || 'none'
  // The distinct warnings with their errors, e.g. a failed step's cause.
  const errors = new Map<string, number>()
  for (const service of services)
    for (const warning of service.warnings) errors.set(warning, (errors.get(warning) ?? 0) + 1)
  const top = [...errors].sort((a, b) => b[1] - a[1]).slice(0, 4)
  return top.length
    ? `${text}. Warnings (the first 200 per process): ${top.map(([m, n]) => `"${m}" ×${n}`).join('; ')}`
    : text
}
