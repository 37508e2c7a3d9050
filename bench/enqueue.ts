// 2. enqueue: POST /api/stories at a sustained 200 req/s; no worker runs, the stories stay queued.
import type { Outcome } from './report.ts'
import {
  aStory, type BenchContext, cpuBreakdown, cpuSnapshot, describeCpu, diffProbe, load, type LoadResult, parents, probe, round, startApi, tallyStoryJobs,
} from './support.ts'

const RATE = 200
const CONNECTIONS = 20
const SECONDS = 30
const WARM_UP_SECONDS = 3
const PARENTS = 20
const CHECK_SECONDS = 10

const summary = (r: LoadResult) =>
  `${Math.round(r.rps)} req/s, p50 ${round(r.latency.p50, 1)} ms, p90 ${round(r.latency.p90, 1)} ms, p99 ${round(r.latency.p99, 1)} ms, max ${round(r.latency.max, 1)} ms, non-2xx ${r.non2xx} ${JSON.stringify(r.statusCodes)}, errors ${r.errors}`

export async function enqueue({ pool, prefix, log }: BenchContext): Promise<Outcome> {
  const api = await startApi({ QUEUE_PREFIX: prefix }, { probe: true })
  const clients = await parents(api.url, PARENTS)
  const url = `${api.url}/api/stories`
  const headers = { 'content-type': 'application/json' }
  // Each request is one parent's, round-robin: 200 stories a second from one parent is no one's traffic.
  const variants = clients.map((c) => ({ headers: { authorization: `Bearer ${c.token}` }, body: JSON.stringify(aStory(c.childId)) }))

  log(`warming up ${WARM_UP_SECONDS} s, then ${SECONDS} s of POST /api/stories at ${RATE} req/s (${CONNECTIONS} connections, ${PARENTS} parents)`)
  await load({ method: 'POST', url, headers, variants, connections: CONNECTIONS, duration: WARM_UP_SECONDS, overallRate: RATE })
  const before = await tallyStoryJobs(pool)
  const probeBefore = await probe(api)
  const cpuBefore = cpuSnapshot({ api: [api.pid] })
  const main = await load({ method: 'POST', url, headers, variants, connections: CONNECTIONS, duration: SECONDS, overallRate: RATE })
  const cpu = cpuBreakdown(cpuBefore, cpuSnapshot({ api: [api.pid] }))
  cpu.parts['load generator'] = (main.generatorCpuMs ?? 0) / 1000
  cpu.parts.other = Math.max(0, cpu.parts.other! - cpu.parts['load generator']!)
  const probeAfter = await probe(api)
  const use = diffProbe(probeAfter, probeBefore)
  const accepted = (await tallyStoryJobs(pool)).total - before.total
  log(`  ${summary(main)}; ${accepted} story jobs in Postgres`)

  log(`cross-checks, ${CHECK_SECONDS} s each: evenly paced ${RATE} req/s; autocannon with one parent`)
  const paced = await load({ mode: 'paced', method: 'POST', url, headers, variants, connections: CONNECTIONS, duration: CHECK_SECONDS, overallRate: RATE })
  log(`  paced: ${summary(paced)}`)
  const oneParent = await load({ method: 'POST', url, headers, variants: variants.slice(0, 1), connections: CONNECTIONS, duration: CHECK_SECONDS, overallRate: RATE })
  log(`  one parent: ${summary(oneParent)}`)
  await api.stop()

  const failures = main.non2xx + main.errors + main.timeouts
  return {
    setup: `No worker runs (the stories stay queued and are cleared afterwards), so the machine measures the API: autocannon from a separate process, POST /api/stories at overallRate ${RATE} with ${CONNECTIONS} connections for ${SECONDS} s after a ${WARM_UP_SECONDS} s warm-up, requests rotating over ${PARENTS} parents (each with one child), the API with bench/probe.ts preloaded, STORIES_IN_FLIGHT_PER_PARENT=0 and STORIES_PER_DAY_PER_PARENT=0. Each request commits a story and its job in Postgres and adds the story-text job to Redis. Cross-checks of ${CHECK_SECONDS} s: the runner's evenly paced open-loop mode, and autocannon with every request from one parent.`,
    figures: [
      { label: `achieved rate (target load ${RATE} req/s)`, value: main.rps, unit: 'req/s', digits: 0 },
      { label: 'p99 latency', value: main.latency.p99, unit: 'ms', digits: 1, target: '≤ 15 ms', pass: main.latency.p99 <= 15 },
      { label: 'non-2xx answers and errors', value: failures, unit: '', digits: 0, target: '0', pass: failures === 0 },
      { label: `p99, evenly paced ${RATE} req/s (${CHECK_SECONDS} s cross-check)`, value: paced.latency.p99, unit: 'ms', digits: 1 },
      { label: `p99, one parent (${CHECK_SECONDS} s cross-check)`, value: oneParent.latency.p99, unit: 'ms', digits: 1 },
    ],
    notes: [
      `Main run: ${summary(main)}; ${accepted} story jobs were committed in Postgres for ${main.requests} requests.`,
      `Evenly paced: ${summary(paced)}; the generator sent requests late by p99 ${round(paced.sendLagMs?.p99 ?? Number.NaN, 1)} ms (counted in the latency).`,
      `One parent: ${summary(oneParent)}. Every request of a parent takes that parent's advisory lock (pg_advisory_xact_lock in enforceStoryLimits) even with the limits lifted, so one parent's requests are serialised.`,
      `${describeCpu(cpu)}; the API used ${round(use.cpuMs / main.requests, 2)} ms of CPU per request.`,
      `Per request, the API sent ${round(use.pgQueries / main.requests, 1)} Postgres queries (${Object.entries(use.byKind).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${round(v / main.requests, 1)}`).join(', ')}) and ${round(use.redisCommands / main.requests, 1)} Redis commands; it waited ${round(use.pgMs / main.requests, 2)} ms for Postgres answers in all (${Object.entries(use.msByKind).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${round(v / main.requests, 2)} ms`).join(', ')}).`,
      `The API's event loop during the main run (bench/probe.ts): delay p50 ${round(probeAfter.loopDelayMs.p50, 1)} ms, p99 ${round(probeAfter.loopDelayMs.p99, 1)} ms, max ${round(probeAfter.loopDelayMs.max, 1)} ms; ${probeAfter.gc.count} GC pauses, ${round(probeAfter.gc.totalMs, 0)} ms in all, the longest ${round(probeAfter.gc.maxMs, 1)} ms.`,
    ],
  }
}
