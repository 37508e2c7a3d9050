// Helpers for the benchmarks: real API and worker processes, an HTTP client, Postgres and Redis
// housekeeping, and /proc readings. What they share with the tests (spawning our processes, the
// HTTP client, waitFor, deleting keys) is in @dreamify/testkit; this adds the bench's side.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { RUNTIME_ENV } from '@dreamify/core'
import {
  aStory,
  deleteKeysUnder,
  type NodeProcess,
  ApiClient as ParentClient,
  runningChildren,
  startApiProcess,
  startNodeProcess,
  startWorkerProcess,
  trackChild,
  waitFor,
} from '@dreamify/testkit'
import { Redis } from 'ioredis'
import pg from 'pg'

export { aStory, sleep, waitFor }

export const ROOT = resolve(import.meta.dirname, '..')
// Everything the bench talks to is on this machine.
export const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres'
export const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/dreamify_bench'
export const REDIS_URL = 'redis://127.0.0.1:6379/0'
export const BENCH_SECRET = 'bench-secret-that-is-long-enough-for-hs256-signing'

// ---------------------------------------------------------------------------------------------
// Processes

const started: Service[] = []
/** The services started since the last call (for failure reports). */
export function lastServices(): Service[] {
  return started.splice(0)
}
/** Kills every process the bench started (only those, by their own handles). */
export function killAll(signal: NodeJS.Signals = 'SIGKILL') {
  for (const child of runningChildren()) if (child.exitCode === null && child.signalCode === null) child.kill(signal)
}

export interface StepStats {
  count: number
  totalMs: number
  maxMs: number
}

export interface Service extends NodeProcess {
  name: string
  /** the last lines the process printed, for failure reports */
  tail: () => string
  /** 'step done' log lines by queue (workers at LOG_LEVEL=info) */
  steps: Map<string, StepStats>
  /** log messages at warn or above, with their error's message (the first 200) */
  warnings: string[]
  /** how many times each log message was printed */
  messages: Map<string, number>
  probeFile: string | undefined
}

export interface StartOptions {
  /** preload bench/probe.ts (counts Postgres queries and Redis commands, reports CPU and memory on SIGWINCH) */
  probe?: boolean
  execArgv?: string[]
  /** arguments after the entry */
  args?: string[]
  /** called with every JSON line the process prints */
  onJson?: (entry: Record<string, unknown>) => void
}

const BASE_ENV = {
  NODE_ENV: 'production',
  JWT_SECRET: BENCH_SECRET,
  DATABASE_URL,
  REDIS_URL,
  LOG_LEVEL: 'warn',
  // A benchmark is one client posting far more than a parent may: lift every per-parent and per-IP limit.
  STORIES_IN_FLIGHT_PER_PARENT: '0',
  STORIES_PER_DAY_PER_PARENT: '0',
  LOGIN_ATTEMPTS_PER_15_MIN: '0',
  REGISTRATIONS_PER_HOUR_PER_IP: '0',
  GENERATION_PROVIDER: 'fixtures',
  // As deployed: two malloc arenas, an 8 MiB young generation.
  ...RUNTIME_ENV,
}

let serial = 0

/** Starts one of our processes (node <entry>) with the bench environment; nothing is inherited but PATH. */
export function startProcess(
  name: string,
  entry: string,
  env: Record<string, string>,
  options: StartOptions = {},
): Service {
  const probeFile = options.probe ? join(tmpdir(), `dreamify-bench-probe-${process.pid}-${serial++}.json`) : undefined
  const execArgv = [
    ...(options.probe ? ['--expose-gc', '--import', join(ROOT, 'bench/probe.ts')] : []),
    ...(options.execArgv ?? []),
  ]
  const spawned = startNodeProcess(entry, {
    env: { ...BASE_ENV, ...(probeFile ? { BENCH_PROBE_FILE: probeFile } : {}), ...env },
    execArgv,
    args: options.args,
    keepLines: 60,
  })
  if (probeFile) {
    void spawned.exited.then(() => {
      for (const f of [probeFile, `${probeFile}.gc`, `${probeFile}.tmp`]) rmSync(f, { force: true })
    })
  }
  const service: Service = Object.assign(spawned, {
    name,
    tail: spawned.output,
    steps: new Map(),
    warnings: [],
    messages: new Map(),
    probeFile,
  })
  service.onLine((line) => {
    if (!line.startsWith('{')) return
    let entry: { level?: number; msg?: string; queue?: string; ms?: number; [key: string]: unknown }
    try {
      entry = JSON.parse(line)
    } catch {
      return
    }
    options.onJson?.(entry)
    if (typeof entry.msg === 'string') service.messages.set(entry.msg, (service.messages.get(entry.msg) ?? 0) + 1)
    if (entry.msg === 'step done' && entry.queue && typeof entry.ms === 'number') {
      const stats = service.steps.get(entry.queue) ?? { count: 0, totalMs: 0, maxMs: 0 }
      stats.count++
      stats.totalMs += entry.ms
      stats.maxMs = Math.max(stats.maxMs, entry.ms)
      service.steps.set(entry.queue, stats)
    }
    if ((entry.level ?? 0) >= 40 && service.warnings.length < 200) {
      const err = (entry.err as { message?: string } | undefined)?.message
      service.warnings.push(`${entry.msg ?? ''}${err ? `: ${err.slice(0, 200)}` : ''}`)
    }
  })
  started.push(service)
  return service
}

export type Api = Service & { url: string }

export async function startApi(env: Record<string, string>, options: StartOptions = {}): Promise<Api> {
  return startApiProcess((entry, apiEnv) => startProcess('api', entry, apiEnv, options), env)
}

/** A worker process; it logs at info so the bench sees 'worker ready' and each 'step done'. */
export async function startWorker(env: Record<string, string>, options: StartOptions = {}): Promise<Service> {
  return startWorkerProcess(
    (entry, workerEnv) =>
      startProcess('worker', entry, { WORKER_METRICS_PORT: '0', LOG_LEVEL: 'info', ...workerEnv }, options),
    env,
  )
}

export async function startWorkers(
  count: number,
  env: Record<string, string>,
  options: StartOptions = {},
): Promise<Service[]> {
  return Promise.all(Array.from({ length: count }, () => startWorker(env, options)))
}

export async function stopAll(services: Array<Service | undefined>) {
  await Promise.all(services.map((s) => s?.stop()))
}

// ---------------------------------------------------------------------------------------------
// The probe (bench/probe.ts) and /proc

export interface ProbeSnapshot {
  pg: { queries: number; totalMs: number; byKind: Record<string, number>; msByKind: Record<string, number> }
  redis: { commands: number; byCommand: Record<string, number> }
  cpu: { user: number; system: number }
  memory: { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number }
  elu: number
  uptimeMs: number
  /** since the previous snapshot */
  loopDelayMs: { p50: number; p99: number; max: number }
  /** GC pauses since the previous snapshot */
  gc: { count: number; totalMs: number; maxMs: number }
}

/** Asks a probed process for its counters (SIGWINCH); it answers by writing its file. */
export async function probe(service: Service, { gc = false } = {}): Promise<ProbeSnapshot> {
  const file = service.probeFile
  if (!file) throw new Error(`${service.name} runs without the probe`)
  rmSync(file, { force: true })
  rmSync(`${file}.gc`, { force: true })
  if (gc) writeFileSync(`${file}.gc`, '1')
  service.process.kill('SIGWINCH')
  await waitFor(`${service.name}'s probe`, () => existsSync(file), { timeoutMs: 10_000, intervalMs: 20 })
  return JSON.parse(readFileSync(file, 'utf8')) as ProbeSnapshot
}

export function diffProbe(after: ProbeSnapshot, before: ProbeSnapshot) {
  const byKind: Record<string, number> = {}
  for (const [k, v] of Object.entries(after.pg.byKind)) byKind[k] = v - (before.pg.byKind[k] ?? 0)
  const byCommand: Record<string, number> = {}
  for (const [k, v] of Object.entries(after.redis.byCommand)) byCommand[k] = v - (before.redis.byCommand[k] ?? 0)
  const msByKind: Record<string, number> = {}
  for (const [k, v] of Object.entries(after.pg.msByKind)) msByKind[k] = v - (before.pg.msByKind[k] ?? 0)
  return {
    msByKind,
    pgQueries: after.pg.queries - before.pg.queries,
    pgMs: after.pg.totalMs - before.pg.totalMs,
    byKind,
    redisCommands: after.redis.commands - before.redis.commands,
    byCommand,
    cpuMs: (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000,
  }
}

/** VmRSS of a process, in bytes. */
export function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  if (!match) throw new Error(`no VmRSS for ${pid}`)
  return Number(match[1]) * 1024
}

const TICK_MS = 10 // USER_HZ is 100 on Linux

function cpuTicksOf(pid: number | string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(fields[11]) + Number(fields[12]) // utime, stime
  } catch {
    return 0
  }
}

/** CPU milliseconds used so far by the given pids, by processes with the given names, and by the whole machine. */
export function cpuSnapshot(pids: Record<string, number[]>, names: string[] = ['postgres', 'redis-server']) {
  const byName: Record<string, number> = {}
  for (const name of names) byName[name] = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let comm: string
    try {
      comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim()
    } catch {
      continue
    }
    if (comm in byName) byName[comm]! += cpuTicksOf(entry) * TICK_MS
  }
  const byGroup: Record<string, number> = {}
  for (const [group, list] of Object.entries(pids))
    byGroup[group] = list.reduce((sum, pid) => sum + cpuTicksOf(pid) * TICK_MS, 0)
  byGroup.bench = cpuTicksOf(process.pid) * TICK_MS
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
  const total = line.slice(0, 8).reduce((a, b) => a + b, 0) * TICK_MS
  const idle = (line[3]! + line[4]!) * TICK_MS
  return { at: performance.now(), byName, byGroup, busy: total - idle }
}

export type CpuSnapshot = ReturnType<typeof cpuSnapshot>

/**
 * Where the machine's CPU went between two snapshots, in core-seconds. Processes that exited
 * meanwhile are missing from `after`, so take it before stopping them. Postgres and Redis are
 * the servers' totals, so they include other clients of the same servers.
 */
export function cpuBreakdown(before: CpuSnapshot, after: CpuSnapshot) {
  const wallS = (after.at - before.at) / 1000
  const parts: Record<string, number> = {}
  for (const key of Object.keys(after.byGroup))
    parts[key] = ((after.byGroup[key] ?? 0) - (before.byGroup[key] ?? 0)) / 1000
  for (const key of Object.keys(after.byName))
    parts[key] = Math.max(0, ((after.byName[key] ?? 0) - (before.byName[key] ?? 0)) / 1000)
  const busy = (after.busy - before.busy) / 1000
  const known = Object.values(parts).reduce((a, b) => a + b, 0)
  parts.other = Math.max(0, busy - known)
  return { wallS, busyCoreS: busy, parts }
}

export function loadAverage(): number[] {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number)
}

// ---------------------------------------------------------------------------------------------
// HTTP

/** A parent with one child, posting stories for it (over the testkit's client, with more patience). */
export class ApiClient {
  readonly parent: ParentClient
  childId = ''

  constructor(base: string) {
    this.parent = new ParentClient(base, { timeoutMs: 30_000 })
  }

  get token() {
    return this.parent.token
  }

  request(method: string, path: string, body?: unknown) {
    return this.parent.request(method, path, body)
  }

  /** Registers, logs in and adds one child. */
  async setUp(name = 'Bench') {
    await this.parent.signUp(name)
    this.childId = (await this.parent.addChild()).child.id
    return this
  }

  async requestStory(topic?: string): Promise<{ jobId: string; storyId: string }> {
    const response = await this.parent.requestStory(this.childId, topic)
    if (response.status !== 202) throw new Error(`POST /api/stories: ${response.status} ${response.text}`)
    return { jobId: response.json.job_id, storyId: response.json.story_id }
  }
}

export async function parents(base: string, count: number): Promise<ApiClient[]> {
  const list: ApiClient[] = []
  for (let i = 0; i < count; i++) list.push(await new ApiClient(base).setUp(`Bench${i}`))
  return list
}

/** Posts `count` stories round-robin over the parents, `concurrency` at a time. */
export async function postStories(
  clients: ApiClient[],
  count: number,
  concurrency = 16,
  topic?: (i: number) => string,
) {
  const jobs: string[] = new Array(count)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++
        jobs[i] = (await clients[i % clients.length]!.requestStory(topic?.(i))).jobId
      }
    }),
  )
  return jobs
}

// ---------------------------------------------------------------------------------------------
// Postgres and Redis

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

export async function deleteKeys(prefix: string) {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
  redis.on('error', () => {})
  try {
    await deleteKeysUnder(redis, prefix)
  } finally {
    redis.disconnect()
  }
}

// ---------------------------------------------------------------------------------------------
// Numbers

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length) - 1
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!
}

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits

// ---------------------------------------------------------------------------------------------
// Load generation in a separate process (bench/autocannon-runner.ts)

export type { LoadResult, RunnerOptions } from './autocannon-runner.ts'

import type { LoadResult, RunnerOptions } from './autocannon-runner.ts'

export async function load(options: RunnerOptions): Promise<LoadResult> {
  // Options go through a file: thousands of variants do not fit in argv.
  const optionsFile = join(tmpdir(), `dreamify-bench-load-${process.pid}-${serial++}.json`)
  writeFileSync(optionsFile, JSON.stringify(options))
  const child = spawn(process.execPath, [join(ROOT, 'bench/autocannon-runner.ts'), `@${optionsFile}`], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = trackChild(child)
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), (options.duration + 60) * 1000)
  const code = await exited
  clearTimeout(timer)
  rmSync(optionsFile, { force: true })
  if (code !== 0) throw new Error(`load generator exited with ${code}: ${stderr.slice(-2000)}`)
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult
}

/** Stops every process the bench started that is still running: SIGTERM, then SIGKILL after a while. */
export async function stopLive(timeoutMs = 15_000) {
  const running = runningChildren().filter((c) => c.exitCode === null && c.signalCode === null)
  await Promise.all(
    running.map(
      (child) =>
        new Promise<void>((done) => {
          const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
          child.once('exit', () => {
            clearTimeout(timer)
            done()
          })
          child.kill('SIGTERM')
        }),
    ),
  )
}

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
