// 1. poll: GET /api/jobs/:job_id with a valid token, against the trivial /health/live of the same server.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeProfile, summariseProfiles } from './profile.ts'
import type { Outcome } from './report.ts'
import {
  ApiClient,
  type BenchContext,
  cpuMeter,
  describeCpu,
  type LoadResult,
  load,
  type ProbeSnapshot,
  parents,
  probe,
  round,
  startApi,
  startWorker,
  waitFor,
} from './support/index.ts'

const CONNECTIONS = 50
const SECONDS = 10
const WARM_UP_SECONDS = 3
const FIXED_RATE = 1000
const FIXED_RATE_CONNECTIONS = 10
/** BENCH_PROFILE=1 adds a run against a second API under node --cpu-prof, and summarises where its CPU goes. */
const PROFILE = process.env.BENCH_PROFILE === '1'
/** The many-jobs cross-check: queued stories of several parents, each polled in turn. */
const MANY_JOBS = 2000
const MANY_PARENTS = 20

const describeGc = (p: ProbeSnapshot) =>
  `${p.gc.count} GC pauses, ${round(p.gc.totalMs, 0)} ms in all, the longest ${round(p.gc.maxMs, 1)} ms`

const summary = (r: LoadResult) =>
  `${Math.round(r.rps).toLocaleString('en-US')} req/s, p50 ${round(r.latency.p50, 1)} ms, p99 ${round(r.latency.p99, 1)} ms, max ${round(r.latency.max, 1)} ms, non-2xx ${r.non2xx}, errors ${r.errors}`

export async function poll({ prefix, log }: BenchContext): Promise<Outcome> {
  // The probe also reports the API's event-loop delay and GC pauses around the fixed-rate runs.
  const api = await startApi({ QUEUE_PREFIX: prefix }, { probe: true })
  const worker = await startWorker({ QUEUE_PREFIX: prefix, FIXTURES_TEXT_MS: '0', FIXTURES_IMAGE_MS: '0' })
  const client = await new ApiClient(api.url).setUp('Poll')
  const { jobId } = await client.requestStory()
  let last: unknown
  await waitFor(
    'the story to complete',
    async () => {
      const { json } = await client.request('GET', `/api/jobs/${jobId}`)
      last = json
      if (json?.status === 'failed' || json?.status === 'cancelled')
        throw new Error(`the story ${json.status}: ${JSON.stringify(json.error)}`)
      return json?.status === 'completed'
    },
    { timeoutMs: 60_000 },
  ).catch((error: Error) => {
    throw new Error(
      `${error.message}; last poll: ${JSON.stringify(last)}; worker output:\n${worker.tail().slice(-3000)}`,
    )
  })
  // Only the API is measured: the worker has nothing left to do.
  await worker.stop()

  const jobUrl = `${api.url}/api/jobs/${jobId}`
  const liveUrl = `${api.url}/health/live`
  const headers = { authorization: `Bearer ${client.token}` }

  log(`warming up ${WARM_UP_SECONDS} s, then ${SECONDS} s on GET /api/jobs/:id with ${CONNECTIONS} connections`)
  await load({ url: jobUrl, headers, connections: CONNECTIONS, duration: WARM_UP_SECONDS })
  const jobsMeter = cpuMeter({ api: [api.pid] })
  const jobs = await load({ url: jobUrl, headers, connections: CONNECTIONS, duration: SECONDS })
  const cpu = jobsMeter.read(jobs.generatorCpuMs ?? 0)
  log(`  jobs: ${summary(jobs)}`)

  log(`/health/live: ${WARM_UP_SECONDS} s warm-up, ${SECONDS} s measured`)
  await load({ url: liveUrl, connections: CONNECTIONS, duration: WARM_UP_SECONDS })
  const liveMeter = cpuMeter({ api: [api.pid] })
  const live = await load({ url: liveUrl, connections: CONNECTIONS, duration: SECONDS })
  const liveCpu = liveMeter.read(live.generatorCpuMs ?? 0)
  log(`  live: ${summary(live)}`)

  log(
    `GET /api/jobs/:id at a fixed ${FIXED_RATE} req/s: autocannon (${FIXED_RATE_CONNECTIONS} connections), then evenly paced`,
  )
  const atFixedRate = (mode: 'autocannon' | 'paced', connections: number) =>
    load({ mode, url: jobUrl, headers, connections, duration: SECONDS, overallRate: FIXED_RATE })
  await probe(api)
  const fixed = await atFixedRate('autocannon', FIXED_RATE_CONNECTIONS)
  const fixedLoop = await probe(api)
  log(`  autocannon: ${summary(fixed)}`)
  const paced = await atFixedRate('paced', CONNECTIONS)
  const pacedLoop = await probe(api)
  log(`  paced: ${summary(paced)}`)

  // What many frontends polling their own stories look like: a different job (and parent) every request.
  log(
    `many jobs: ${MANY_JOBS} queued stories of ${MANY_PARENTS} parents, polled in turn for ${SECONDS} s with ${CONNECTIONS} connections`,
  )
  const others = await parents(api.url, MANY_PARENTS)
  const manyVariants: Array<{ path: string; headers: Record<string, string> }> = []
  await Promise.all(
    others.map(async (other) => {
      for (let i = 0; i < MANY_JOBS / MANY_PARENTS; i++) {
        const { jobId: id } = await other.requestStory()
        manyVariants.push({ path: `/api/jobs/${id}`, headers: { authorization: `Bearer ${other.token}` } })
      }
    }),
  )
  manyVariants.sort(() => Math.random() - 0.5)
  await load({ url: jobUrl, variants: manyVariants, connections: CONNECTIONS, duration: WARM_UP_SECONDS })
  const manyMeter = cpuMeter({ api: [api.pid] })
  const many = await load({ url: jobUrl, variants: manyVariants, connections: CONNECTIONS, duration: SECONDS })
  const manyCpu = manyMeter.read(many.generatorCpuMs ?? 0)
  log(`  many jobs: ${summary(many)}`)
  await api.stop()

  const profileNotes: string[] = []
  if (PROFILE) {
    const dir = mkdtempSync(join(tmpdir(), 'dreamify-bench-profile-'))
    const profiled = await startApi({ QUEUE_PREFIX: prefix }, { execArgv: ['--cpu-prof', '--cpu-prof-dir', dir] })
    const profiledUrl = `${profiled.url}/api/jobs/${jobId}`
    await load({ url: profiledUrl, headers, connections: CONNECTIONS, duration: WARM_UP_SECONDS })
    const run = await load({ url: profiledUrl, headers, connections: CONNECTIONS, duration: SECONDS })
    await profiled.stop()
    profileNotes.push(
      ...describeProfile(
        summariseProfiles(dir),
        run.requests,
        'request',
        `a second API process polled for ${WARM_UP_SECONDS + SECONDS} s (${Math.round(run.rps)} req/s under the profiler)`,
      ),
    )
    rmSync(dir, { recursive: true, force: true })
  }

  const failures = [jobs, live, fixed, paced, many].reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0)
  const ratio = jobs.rps / live.rps
  return {
    setup: `One parent, one completed story; the worker is stopped before the load (the targets are for polling one job; see the many-jobs cross-check below for what many frontends look like). Load from a separate process (bench/autocannon-runner.ts): autocannon, ${CONNECTIONS} connections for ${SECONDS} s on each route after a ${WARM_UP_SECONDS} s warm-up; then GET /api/jobs/:id at a fixed ${FIXED_RATE} req/s for ${SECONDS} s, with autocannon (overallRate ${FIXED_RATE}, ${FIXED_RATE_CONNECTIONS} connections) and with the runner's evenly paced open-loop mode (${CONNECTIONS} keep-alive connections, latency counted from when each request was due). API: DATABASE_POOL_SIZE 10, LOG_LEVEL warn, NODE_ENV production, with bench/probe.ts preloaded (it counts queries and watches the event loop; its cost per request is a few microseconds).`,
    figures: [
      {
        label: `GET /api/jobs/:id throughput (${CONNECTIONS} connections)`,
        value: jobs.rps,
        unit: 'req/s',
        digits: 0,
        target: '≥ 5,000 req/s',
        pass: jobs.rps >= 5000,
      },
      { label: `GET /health/live throughput (${CONNECTIONS} connections)`, value: live.rps, unit: 'req/s', digits: 0 },
      {
        label: 'poll rate ÷ trivial-route rate',
        value: ratio,
        unit: '',
        digits: 2,
        target: '≥ 0.35',
        pass: ratio >= 0.35,
      },
      {
        label: `p99 at ${FIXED_RATE} req/s (autocannon overallRate, ${FIXED_RATE_CONNECTIONS} connections)`,
        value: fixed.latency.p99,
        unit: 'ms',
        digits: 1,
        target: '≤ 10 ms',
        pass: fixed.latency.p99 <= 10,
      },
      {
        label: `p99 at ${FIXED_RATE} req/s, evenly paced (open loop)`,
        value: paced.latency.p99,
        unit: 'ms',
        digits: 1,
        target: '≤ 10 ms',
        pass: paced.latency.p99 <= 10,
      },
      {
        label: `GET /api/jobs/:id over ${MANY_JOBS.toLocaleString('en-US')} different jobs (${CONNECTIONS} connections)`,
        value: many.rps,
        unit: 'req/s',
        digits: 0,
      },
      {
        label: 'non-2xx answers and errors, all poll runs',
        value: failures,
        unit: '',
        digits: 0,
        target: '0',
        pass: failures === 0,
      },
    ],
    notes: [
      `GET /api/jobs/:id, ${CONNECTIONS} connections: ${summary(jobs)}.`,
      `GET /health/live, ${CONNECTIONS} connections: ${summary(live)}.`,
      `${FIXED_RATE} req/s, autocannon: ${summary(fixed)}. autocannon sends each connection's share of a second back to back at the start of the second, so this is a burst of ${FIXED_RATE_CONNECTIONS} concurrent request loops for part of each second, and with a rate set it records extra "coordinated omission" samples assuming a 1 ms interval, which inflates its upper percentiles.`,
      `${FIXED_RATE} req/s, evenly paced: ${summary(paced)}; the generator sent requests late by p99 ${round(paced.sendLagMs?.p99 ?? Number.NaN, 1)} ms, max ${round(paced.sendLagMs?.max ?? Number.NaN, 1)} ms (counted in the latency).`,
      `The API's event loop during the fixed-rate runs (bench/probe.ts): autocannon run: delay p99 ${round(fixedLoop.loopDelayMs.p99, 1)} ms, max ${round(fixedLoop.loopDelayMs.max, 1)} ms, ${describeGc(fixedLoop)}; paced run: delay p99 ${round(pacedLoop.loopDelayMs.p99, 1)} ms, max ${round(pacedLoop.loopDelayMs.max, 1)} ms, ${describeGc(pacedLoop)}.`,
      `${MANY_JOBS.toLocaleString('en-US')} different jobs of ${MANY_PARENTS} parents, polled in turn (so each job is asked for about every ${round((MANY_JOBS / Math.max(1, many.rps)) * 1000, 0)} ms, like frontends polling their own stories): ${summary(many)}; ${describeCpu(manyCpu)}. The API keeps job rows for 200 ms (apps/api/src/lib/job-status-cache.ts), so polling one job at full speed mostly reads that cache, while this run mostly reads Postgres.`,
      `While polling at full speed: ${describeCpu(cpu)}.`,
      `While loading /health/live: ${describeCpu(liveCpu)}.`,
      `Per core of the API process: GET /api/jobs/:id ${Math.round(jobs.requests / (cpu.parts.api || 1))} requests per CPU-second, /health/live ${Math.round(live.requests / (liveCpu.parts.api || 1))}; this ratio (${round(jobs.requests / (cpu.parts.api || 1) / (live.requests / (liveCpu.parts.api || 1)), 2)}) does not depend on how much CPU other work leaves the API.`,
      ...profileNotes,
    ],
  }
}
