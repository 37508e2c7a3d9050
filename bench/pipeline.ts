// 3. pipeline: stories end to end (API → queue → workers → Postgres) with a zero-latency provider,
// against a bare BullMQ flow of the same shape measured in the same run.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bareFlow } from './bare-flow.ts'
import { describeProfile, summariseProfiles } from './profile.ts'
import type { Figure, Outcome } from './report.ts'
import {
  type BenchContext,
  backendCpu,
  backendCpuSeconds,
  cpuCount,
  cpuMeter,
  DATABASE_URL,
  databaseCounters,
  describeCpu,
  describeMessages,
  diffProbe,
  parents,
  postStories,
  probe,
  queueEventCounts,
  round,
  type Service,
  sampleDatabaseWaits,
  startApi,
  startWorkers,
  stopAll,
  storiesThrough,
  waitForAvatars,
  waitForStories,
} from './support/index.ts'
import { GENERATION_QUEUES, measureVariantBacklog } from './variants-backlog.ts'

const STORIES = Math.max(500, Number(process.env.BENCH_PIPELINE_STORIES ?? 500))
const WORKERS = 2
const TEXT_CONCURRENCY = Number(process.env.BENCH_PIPELINE_TEXT_CONCURRENCY ?? 20)
const IMAGE_CONCURRENCY = Number(process.env.BENCH_PIPELINE_IMAGE_CONCURRENCY ?? 50)
const POOL_SIZE = process.env.BENCH_PIPELINE_POOL_SIZE ?? '10'
/** BENCH_PIPELINE_SYNC_COMMIT=off: the workers' sessions commit without waiting for the WAL flush (an experiment, not the service's setting). */
const SYNC_COMMIT = process.env.BENCH_PIPELINE_SYNC_COMMIT
const POST_CONCURRENCY = 16
const PARENTS = 10
const WARM_UP_STORIES = 20
const JOBS_PER_STORY = 6 // one text step, five image steps
/** BENCH_PROFILE=1 runs the workers under node --cpu-prof and summarises where their CPU goes. */
const PROFILE = process.env.BENCH_PROFILE === '1'

const perStory = (value: number) => round(value / STORIES, 1)

export async function pipeline({ pool, prefix, log }: BenchContext): Promise<Outcome> {
  const workerEnv = {
    QUEUE_PREFIX: prefix,
    FIXTURES_TEXT_MS: '0',
    FIXTURES_IMAGE_MS: '0',
    STREAMING: 'true',
    // the variants run apart, measured after the window (variants-backlog.ts)
    WORKER_QUEUES: GENERATION_QUEUES,
    TEXT_CONCURRENCY: String(TEXT_CONCURRENCY),
    IMAGE_CONCURRENCY: String(IMAGE_CONCURRENCY),
    DATABASE_POOL_SIZE: POOL_SIZE,
    ...(SYNC_COMMIT
      ? { DATABASE_URL: `${DATABASE_URL}?options=${encodeURIComponent(`-c synchronous_commit=${SYNC_COMMIT}`)}` }
      : {}),
  }
  const api = await startApi({ QUEUE_PREFIX: prefix }, { probe: true })
  const profileDir = PROFILE ? mkdtempSync(join(tmpdir(), 'dreamify-bench-profile-')) : undefined
  const workers = await startWorkers(WORKERS, workerEnv, {
    probe: true,
    ...(profileDir ? { execArgv: ['--cpu-prof', '--cpu-prof-dir', profileDir] } : {}),
  })
  const clients = await parents(api.url, PARENTS)
  log(`warming up with ${WARM_UP_STORIES} stories`)
  await storiesThrough(pool, clients, WARM_UP_STORIES, { concurrency: POST_CONCURRENCY, timeoutMs: 60_000 })
  await waitForAvatars(pool)
  for (const worker of workers) {
    worker.steps.clear()
    worker.messages.clear()
  }

  log(
    `${STORIES} stories through the API, ${WORKERS} workers (text ${TEXT_CONCURRENCY}, image ${IMAGE_CONCURRENCY}, pool ${POOL_SIZE})`,
  )
  const services: Service[] = [api, ...workers]
  const probesBefore = await Promise.all(services.map((s) => probe(s)))
  const pids = { api: [api.pid], workers: workers.map((w) => w.pid) }
  const meter = cpuMeter(pids)
  const backendsBefore = await backendCpu(pool)
  const dbBefore = await databaseCounters(pool)
  const waits = sampleDatabaseWaits(pool)
  const t0 = Date.now()
  const ids = await postStories(clients, STORIES, POST_CONCURRENCY)
  const postedMs = Date.now() - t0
  const tally = await waitForStories(pool, STORIES, { ids, timeoutMs: 300_000 })
  const cpu = meter.read()
  // Postgres serves other databases too: split its CPU into this database's sessions and the rest.
  const benchBackends = backendCpuSeconds(backendsBefore, await backendCpu(pool))
  cpu.parts['postgres (rest of the server)'] = Math.max(0, (cpu.parts.postgres ?? 0) - benchBackends)
  cpu.parts.postgres = benchBackends
  const sessions = await waits.stop()
  const textEvents = await queueEventCounts(prefix, 'story-text')
  const imageEvents = await queueEventCounts(prefix, 'chapter-image')
  const probesAfter = await Promise.all(services.map((s) => probe(s)))
  const steps = new Map<string, { count: number; totalMs: number; maxMs: number }>()
  for (const worker of workers) {
    for (const [queue, s] of worker.steps) {
      const sum = steps.get(queue) ?? { count: 0, totalMs: 0, maxMs: 0 }
      steps.set(queue, {
        count: sum.count + s.count,
        totalMs: sum.totalMs + s.totalMs,
        maxMs: Math.max(sum.maxMs, s.maxMs),
      })
    }
  }
  // Stopping the processes ends their Postgres sessions, which flushes their statistics.
  await stopAll(services)
  const dbAfter = await databaseCounters(pool)
  const variants = await measureVariantBacklog(pool, prefix, log)
  const profileNotes = profileDir
    ? describeProfile(summariseProfiles(profileDir), STORIES + WARM_UP_STORIES, 'story')
    : []
  if (profileDir) rmSync(profileDir, { recursive: true, force: true })
  const { rows: attempts } = await pool.query(
    `select attempts, count(*)::int as n from jobs where id = any($1::text[]) group by 1 order by 1`,
    [ids],
  )
  const windowMs = tally.lastFinished - tally.firstCreated
  const storiesPerS = (tally.completed / windowMs) * 1000
  log(
    `  ${tally.completed} completed, ${tally.failed} failed in ${round(windowMs / 1000, 2)} s: ${round(storiesPerS, 1)} stories/s`,
  )

  const apiUse = diffProbe(probesAfter[0]!, probesBefore[0]!)
  const workerUse = workers.map((_, i) => diffProbe(probesAfter[i + 1]!, probesBefore[i + 1]!))
  const wq = workerUse.reduce((s, u) => s + u.pgQueries, 0)
  const wms = workerUse.reduce((s, u) => s + u.pgMs, 0)
  const wredis = workerUse.reduce((s, u) => s + u.redisCommands, 0)
  const byKind: Record<string, number> = {}
  for (const use of workerUse) for (const [k, v] of Object.entries(use.byKind)) byKind[k] = (byKind[k] ?? 0) + v
  const msByKind: Record<string, number> = {}
  for (const use of workerUse) for (const [k, v] of Object.entries(use.msByKind)) msByKind[k] = (msByKind[k] ?? 0) + v
  const waitedFor = Object.entries(msByKind)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${Math.round(v / STORIES)} ms`)
    .join(', ')
  const kinds = Object.entries(byKind)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${perStory(v)}`)
    .join(', ')
  const byCommand: Record<string, number> = {}
  for (const use of workerUse)
    for (const [k, v] of Object.entries(use.byCommand)) byCommand[k] = (byCommand[k] ?? 0) + v
  const commands = Object.entries(byCommand)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([k, v]) => `${k} ${perStory(v)}`)
    .join(', ')
  const db = Object.fromEntries(
    Object.keys(dbAfter).map((k) => [k, dbAfter[k as keyof typeof dbAfter] - dbBefore[k as keyof typeof dbBefore]]),
  ) as typeof dbAfter
  const stepText = [...steps]
    .map(([queue, s]) => `${queue} ${s.count} steps, mean ${round(s.totalMs / s.count, 1)} ms, max ${s.maxMs} ms`)
    .join('; ')
  // Ours: the API, the workers, the bench database's Postgres sessions, Redis (shared, but mostly ours here) and the bench.
  const ownCoreS = ['api', 'workers', 'postgres', 'redis-server', 'bench'].reduce(
    (sum, k) => sum + (cpu.parts[k] ?? 0),
    0,
  )
  const cpuPerStoryMs = (ownCoreS / tally.completed) * 1000
  const msPerStory = (coreSeconds = 0) => round((coreSeconds / tally.completed) * 1000, 1)
  const stepConcurrency = [...steps.values()].reduce((sum, s) => sum + s.totalMs, 0) / windowMs

  // The baseline: BullMQ alone, the same shape of work, as many worker processes with the same concurrency.
  log(`bare BullMQ flow: ${STORIES} flows of 1 parent + 5 children, ${WORKERS} worker processes`)
  const bare = await bareFlow(`${prefix}-bare`, {
    workers: WORKERS,
    textConcurrency: TEXT_CONCURRENCY,
    imageConcurrency: IMAGE_CONCURRENCY,
    postConcurrency: POST_CONCURRENCY,
    warmUp: WARM_UP_STORIES,
    flows: STORIES,
  })
  const bareFlowsPerS = (STORIES / bare.windowMs) * 1000
  log(`  ${round(bareFlowsPerS, 1)} flows/s`)
  const ratio = storiesPerS / bareFlowsPerS

  const figures: Figure[] = [
    {
      label: `stories/s end to end (${STORIES} stories, ${WORKERS} workers)`,
      value: storiesPerS,
      unit: 'stories/s',
      digits: 1,
      target: '≥ 100 stories/s',
      pass: storiesPerS >= 100,
    },
    { label: `jobs/s (${JOBS_PER_STORY} per story)`, value: storiesPerS * JOBS_PER_STORY, unit: 'jobs/s', digits: 0 },
    { label: 'bare BullMQ flow, same shape', value: bareFlowsPerS, unit: 'flows/s', digits: 1 },
    { label: 'pipeline ÷ bare BullMQ', value: ratio, unit: '', digits: 2 },
    {
      label: 'CPU per story (API, workers, Postgres sessions, Redis, bench)',
      value: cpuPerStoryMs,
      unit: 'ms',
      digits: 1,
    },
    {
      label: 'Postgres round trips per story (workers + API)',
      value: (wq + apiUse.pgQueries) / STORIES,
      unit: '',
      digits: 1,
    },
    ...variants.figures,
  ]
  return {
    setup: `${STORIES} stories posted through the API (${POST_CONCURRENCY} at a time, ${PARENTS} parents) to ${WORKERS} worker processes running the generation queues (WORKER_QUEUES: every queue but image-variants, whose jobs wait for a worker of their own, measured after the window; docs/decisions/0014) (TEXT_CONCURRENCY ${TEXT_CONCURRENCY}, IMAGE_CONCURRENCY ${IMAGE_CONCURRENCY}, DATABASE_POOL_SIZE ${POOL_SIZE}${SYNC_COMMIT ? `, synchronous_commit=${SYNC_COMMIT} (experiment)` : ''}, STREAMING=true) with the fixtures provider at zero latency (FIXTURES_TEXT_MS=0, FIXTURES_IMAGE_MS=0), after ${WARM_UP_STORIES} warm-up stories. Throughput counts from Postgres: completed story jobs over (last finished_at − first created_at). The API and workers run with bench/probe.ts preloaded, which counts Postgres queries and Redis commands. Baseline: the same ${STORIES} units as BullMQ flows (FlowProducer, a parent on one queue with five children on another, the service's default job options) added ${POST_CONCURRENCY} at a time, run by ${WORKERS} processes (bench/bare-flow-worker.ts) with trivial processors and the same concurrency; a flow runs its children before its parent, a story its text step before its images, six jobs either way.`,
    figures,
    notes: [
      `${tally.completed} completed, ${tally.failed} failed, ${tally.cancelled} cancelled; window ${round(windowMs / 1000, 2)} s; posting took ${round(postedMs / 1000, 2)} s (${Math.round((STORIES / postedMs) * 1000)} POST/s).`,
      `Bare BullMQ: ${STORIES} flows in ${round(bare.windowMs / 1000, 2)} s (${Math.round(bareFlowsPerS * JOBS_PER_STORY)} jobs/s); ${describeCpu(bare.cpu, { workers: 'bare workers' })}.`,
      `${describeCpu(cpu)}. Per story: ${round(cpuPerStoryMs, 1)} ms of CPU (workers ${msPerStory(cpu.parts.workers)}, Postgres sessions of the bench database ${msPerStory(cpu.parts.postgres)}, rest of the Postgres server ${msPerStory(cpu.parts['postgres (rest of the server)'])}, API ${msPerStory(cpu.parts.api)}, Redis ${msPerStory(cpu.parts['redis-server'])}, bench ${msPerStory(cpu.parts.bench)} ms; other processes on the machine ${msPerStory(cpu.parts.other)} ms more); at that cost ${cpuCount()} busy cores top out near ${Math.round((1000 * cpuCount()) / cpuPerStoryMs)} stories/s.`,
      `Postgres round trips per story: workers ${perStory(wq)} (${kinds}), API ${perStory(apiUse.pgQueries)}; the workers spent ${round(wms / STORIES, 1)} ms per story waiting for Postgres answers, summed over concurrent steps (${waitedFor}).`,
      `Postgres server, per story: ${perStory(db.commits)} commits, ${perStory(db.inserted)} rows inserted, ${perStory(db.updated)} rows updated, ${perStory(db.wal_syncs)} WAL fsyncs, ${Math.round(db.wal_bytes / STORIES / 1024)} KiB of WAL (WAL figures are for the whole server, other databases included).`,
      `Redis commands per story: workers ${perStory(wredis)} (${commands}), API ${perStory(apiUse.redisCommands)}.`,
      `Postgres sessions of the bench database, sampled every 100 ms (${sessions.samples} samples), on average: ${sessions.average.map(([k, v]) => `${k} ${round(v, 1)}`).join(', ')}.`,
      `BullMQ events (the queues' event streams, capped at about 10,000 entries each, warm-up included): story-text ${JSON.stringify(textEvents)}; chapter-image ${JSON.stringify(imageEvents)}.`,
      `Worker log messages other than "step done": ${describeMessages(workers)}.`,
      `Text steps started per story (jobs.attempts): ${attempts.map((r) => `${r.attempts}× for ${r.n}`).join(', ')}; more than one means the step ran again (a stalled lock taken over, or a retry).`,
      `Worker steps (from the workers' "step done" logs): ${stepText}; on average ${round(stepConcurrency, 1)} steps were in progress at once, of ${WORKERS * (TEXT_CONCURRENCY + IMAGE_CONCURRENCY)} slots.`,
      `Worker CPU per process: ${workerUse.map((u) => `${Math.round(u.cpuMs)} ms`).join(', ')}; API ${Math.round(apiUse.cpuMs)} ms.`,
      variants.note,
      ...profileNotes,
    ],
  }
}
