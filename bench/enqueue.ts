// 2. enqueue: POST /api/stories at a sustained 200 req/s; no worker runs, the stories stay queued.
import type { Outcome } from './report.ts'
import {
  aStory,
  type BenchContext,
  cpuMeter,
  describeCpu,
  diffProbe,
  type LoadResult,
  load,
  parents,
  probe,
  round,
  startApi,
  tallyStoryJobs,
} from './support/index.ts'

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
  const variants = clients.map((c) => ({
    headers: { authorization: `Bearer ${c.token}` },
    body: JSON.stringify(aStory(c.childId)),
  }))

  log(
    `warming up ${WARM_UP_SECONDS} s, then ${SECONDS} s of POST /api/stories arriving evenly at ${RATE} req/s (${CONNECTIONS} connections, ${PARENTS} parents)`,
  )
  // POST /api/stories arriving evenly at RATE for `duration` seconds.
  const postEvenly = (duration: number) =>
    load({
      mode: 'paced',
      method: 'POST',
      url,
      headers,
      variants,
      connections: CONNECTIONS,
      duration,
      overallRate: RATE,
    })
  await postEvenly(WARM_UP_SECONDS)
  const before = await tallyStoryJobs(pool)
  const probeBefore = await probe(api)
  const meter = cpuMeter({ api: [api.pid] })
  const main = await postEvenly(SECONDS)
  const cpu = meter.read(main.generatorCpuMs ?? 0)
  const probeAfter = await probe(api)
  const use = diffProbe(probeAfter, probeBefore)
  const accepted = (await tallyStoryJobs(pool)).total - before.total
  log(`  ${summary(main)}; ${accepted} story jobs in Postgres`)

  log(`cross-check, ${CHECK_SECONDS} s: autocannon at overallRate ${RATE} (bursts at the start of each second)`)
  const bursts = await load({
    method: 'POST',
    url,
    headers,
    variants,
    connections: CONNECTIONS,
    duration: CHECK_SECONDS,
    overallRate: RATE,
  })
  log(`  autocannon: ${summary(bursts)}`)
  await api.stop()

  const failures = main.non2xx + main.errors + main.timeouts
  return {
    setup: `No worker runs (the stories stay queued and are cleared afterwards), so the machine measures the API. POST /api/stories from a separate process (bench/autocannon-runner.ts in its evenly paced open-loop mode: one request every ${1000 / RATE} ms over ${CONNECTIONS} keep-alive connections, latency counted from when each request was due, so a slow answer is never hidden by a late send) for ${SECONDS} s after a ${WARM_UP_SECONDS} s warm-up, requests rotating over ${PARENTS} parents (each with one child), the API with bench/probe.ts preloaded, STORIES_IN_FLIGHT_PER_PARENT=0 and STORIES_PER_DAY_PER_PARENT=0 (so no advisory lock is taken). Each request commits a story and its job in one statement and adds the story-text job to Redis. Cross-check of ${CHECK_SECONDS} s: autocannon with overallRate ${RATE}, which is not a sustained rate but a burst: each of its ${CONNECTIONS} connections sends its ${RATE / CONNECTIONS} requests of the second back to back at the start of the second.`,
    figures: [
      {
        label: `achieved rate (target load ${RATE} req/s, arriving evenly)`,
        value: main.rps,
        unit: 'req/s',
        digits: 0,
      },
      {
        label: 'p99 latency',
        value: main.latency.p99,
        unit: 'ms',
        digits: 1,
        target: '≤ 15 ms',
        pass: main.latency.p99 <= 15,
      },
      { label: 'non-2xx answers and errors', value: failures, unit: '', digits: 0, target: '0', pass: failures === 0 },
      {
        label: `p99, autocannon bursts of ${RATE} a second (${CHECK_SECONDS} s cross-check)`,
        value: bursts.latency.p99,
        unit: 'ms',
        digits: 1,
      },
    ],
    notes: [
      `Main run: ${summary(main)}; ${accepted} story jobs were committed in Postgres for ${main.requests} requests; the generator sent requests late by p99 ${round(main.sendLagMs?.p99 ?? Number.NaN, 1)} ms (counted in the latency).`,
      `Autocannon bursts: ${summary(bursts)}. Each second starts with ${CONNECTIONS} requests at once and ${RATE} within a few tens of ms, so the last of a burst wait for the API to work through the ones before them: this measures a burst of ${RATE} concurrent-ish requests, not a rate of ${RATE} a second.`,
      `${describeCpu(cpu)}; the API used ${round(use.cpuMs / main.requests, 2)} ms of CPU per request.`,
      `Per request, the API sent ${round(use.pgQueries / main.requests, 1)} Postgres queries (${Object.entries(
        use.byKind,
      )
        .filter(([, v]) => v > 0)
        .map(([k, v]) => `${k} ${round(v / main.requests, 1)}`)
        .join(
          ', ',
        )}) and ${round(use.redisCommands / main.requests, 1)} Redis commands; it waited ${round(use.pgMs / main.requests, 2)} ms for Postgres answers in all (${Object.entries(
        use.msByKind,
      )
        .filter(([, v]) => v > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${round(v / main.requests, 2)} ms`)
        .join(', ')}).`,
      `The API's event loop during the main run (bench/probe.ts): delay p50 ${round(probeAfter.loopDelayMs.p50, 1)} ms, p99 ${round(probeAfter.loopDelayMs.p99, 1)} ms, max ${round(probeAfter.loopDelayMs.max, 1)} ms; ${probeAfter.gc.count} GC pauses, ${round(probeAfter.gc.totalMs, 0)} ms in all, the longest ${round(probeAfter.gc.maxMs, 1)} ms.`,
    ],
  }
}
