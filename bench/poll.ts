// 1. poll: GET /api/jobs/:job_id with a valid token, against the trivial /health/live of the same server.
import type { Outcome } from './report.ts'
import {
  ApiClient, type BenchContext, cpuBreakdown, cpuSnapshot, describeCpu, load, type LoadResult, round, startApi, startWorker, waitFor,
} from './support.ts'

const CONNECTIONS = 50
const SECONDS = 10
const WARM_UP_SECONDS = 3
const FIXED_RATE = 1000
const FIXED_RATE_CONNECTIONS = 10

const summary = (r: LoadResult) =>
  `${Math.round(r.rps).toLocaleString('en-US')} req/s, p50 ${round(r.latency.p50, 1)} ms, p99 ${round(r.latency.p99, 1)} ms, max ${round(r.latency.max, 1)} ms, non-2xx ${r.non2xx}, errors ${r.errors}`

export async function poll({ prefix, log }: BenchContext): Promise<Outcome> {
  const api = await startApi({ QUEUE_PREFIX: prefix })
  const worker = await startWorker({ QUEUE_PREFIX: prefix, FIXTURES_TEXT_MS: '0', FIXTURES_IMAGE_MS: '0' })
  const client = await new ApiClient(api.url).setUp('Poll')
  const { jobId } = await client.requestStory()
  await waitFor('the story to complete', async () => (await client.request('GET', `/api/jobs/${jobId}`)).json?.status === 'completed', { timeoutMs: 60_000 })
  // Only the API is measured: the worker has nothing left to do.
  await worker.stop()

  const jobUrl = `${api.url}/api/jobs/${jobId}`
  const liveUrl = `${api.url}/health/live`
  const headers = { authorization: `Bearer ${client.token}` }

  log(`warming up ${WARM_UP_SECONDS} s, then ${SECONDS} s on GET /api/jobs/:id with ${CONNECTIONS} connections`)
  await load({ url: jobUrl, headers, connections: CONNECTIONS, duration: WARM_UP_SECONDS })
  const cpuBefore = cpuSnapshot({ api: [api.pid] })
  const jobs = await load({ url: jobUrl, headers, connections: CONNECTIONS, duration: SECONDS })
  const cpu = cpuBreakdown(cpuBefore, cpuSnapshot({ api: [api.pid] }))
  cpu.parts['load generator'] = (jobs.generatorCpuMs ?? 0) / 1000
  cpu.parts.other = Math.max(0, cpu.parts.other! - cpu.parts['load generator']!)
  log(`  jobs: ${summary(jobs)}`)

  log(`/health/live: ${WARM_UP_SECONDS} s warm-up, ${SECONDS} s measured`)
  await load({ url: liveUrl, connections: CONNECTIONS, duration: WARM_UP_SECONDS })
  const liveCpuBefore = cpuSnapshot({ api: [api.pid] })
  const live = await load({ url: liveUrl, connections: CONNECTIONS, duration: SECONDS })
  const liveCpu = cpuBreakdown(liveCpuBefore, cpuSnapshot({ api: [api.pid] }))
  liveCpu.parts['load generator'] = (live.generatorCpuMs ?? 0) / 1000
  liveCpu.parts.other = Math.max(0, liveCpu.parts.other! - liveCpu.parts['load generator']!)
  log(`  live: ${summary(live)}`)

  log(`GET /api/jobs/:id at a fixed ${FIXED_RATE} req/s: autocannon (${FIXED_RATE_CONNECTIONS} connections), then evenly paced`)
  const fixed = await load({ url: jobUrl, headers, connections: FIXED_RATE_CONNECTIONS, duration: SECONDS, overallRate: FIXED_RATE })
  log(`  autocannon: ${summary(fixed)}`)
  const paced = await load({ mode: 'paced', url: jobUrl, headers, connections: CONNECTIONS, duration: SECONDS, overallRate: FIXED_RATE })
  log(`  paced: ${summary(paced)}`)
  await api.stop()

  const failures = [jobs, live, fixed, paced].reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0)
  const ratio = jobs.rps / live.rps
  return {
    setup: `One parent, one completed story; the worker is stopped before the load. Load from a separate process (bench/autocannon-runner.ts): autocannon, ${CONNECTIONS} connections for ${SECONDS} s on each route after a ${WARM_UP_SECONDS} s warm-up; then GET /api/jobs/:id at a fixed ${FIXED_RATE} req/s for ${SECONDS} s, with autocannon (overallRate ${FIXED_RATE}, ${FIXED_RATE_CONNECTIONS} connections) and with the runner's evenly paced open-loop mode (${CONNECTIONS} keep-alive connections, latency counted from when each request was due). API: DATABASE_POOL_SIZE 10, LOG_LEVEL warn, NODE_ENV production.`,
    figures: [
      { label: `GET /api/jobs/:id throughput (${CONNECTIONS} connections)`, value: jobs.rps, unit: 'req/s', digits: 0, target: '≥ 5,000 req/s', pass: jobs.rps >= 5000 },
      { label: `GET /health/live throughput (${CONNECTIONS} connections)`, value: live.rps, unit: 'req/s', digits: 0 },
      { label: 'poll rate ÷ trivial-route rate', value: ratio, unit: '', digits: 2, target: '≥ 0.35', pass: ratio >= 0.35 },
      { label: `p99 at ${FIXED_RATE} req/s (autocannon overallRate, ${FIXED_RATE_CONNECTIONS} connections)`, value: fixed.latency.p99, unit: 'ms', digits: 1, target: '≤ 10 ms', pass: fixed.latency.p99 <= 10 },
      { label: `p99 at ${FIXED_RATE} req/s, evenly paced (open loop)`, value: paced.latency.p99, unit: 'ms', digits: 1, target: '≤ 10 ms', pass: paced.latency.p99 <= 10 },
      { label: 'non-2xx answers and errors, all poll runs', value: failures, unit: '', digits: 0, target: '0', pass: failures === 0 },
    ],
    notes: [
      `GET /api/jobs/:id, ${CONNECTIONS} connections: ${summary(jobs)}.`,
      `GET /health/live, ${CONNECTIONS} connections: ${summary(live)}.`,
      `${FIXED_RATE} req/s, autocannon: achieved ${Math.round(fixed.rps)} req/s, ${summary(fixed)}. autocannon sends each connection's share of a second back to back at the start of the second, so this is a burst of ${FIXED_RATE_CONNECTIONS} concurrent request loops for part of each second, and with a rate set it records extra "coordinated omission" samples assuming a 1 ms interval, which inflates its upper percentiles.`,
      `${FIXED_RATE} req/s, evenly paced: achieved ${Math.round(paced.rps)} req/s, ${summary(paced)}.`,
      `While polling at full speed: ${describeCpu(cpu)}.`,
      `While loading /health/live: ${describeCpu(liveCpu)}.`,
    ],
  }
}
