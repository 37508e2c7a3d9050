// 4. latency: POST → completed against a provider that takes T for the text and I per image.
import type pg from 'pg'
import { arriveEvenly } from './even-arrivals.ts'
import type { Figure, Outcome } from './report.ts'
import {
  type BenchContext,
  parents,
  percentile,
  round,
  startApi,
  startWorker,
  storiesThrough,
  storyDurations,
  waitForAvatars,
} from './support/index.ts'

const T = 2000
const I = 1000
/** At most this many stories are in flight at once, in every phase. */
const IN_FLIGHT = 10
const TEXT_CONCURRENCY = IN_FLIGHT
// Every image of every story in flight at once: provider-bound concurrency is not what is measured here.
const IMAGE_CONCURRENCY = 5 * IN_FLIGHT
/** The worker's DATABASE_POOL_SIZE: the service's default unless BENCH_LATENCY_POOL_SIZE says otherwise (an experiment). */
const POOL_SIZE = process.env.BENCH_LATENCY_POOL_SIZE ?? '10'
const SERIAL = 5
const PACED = 60
/** One story every (T + I) / IN_FLIGHT: about IN_FLIGHT stories in flight, arriving evenly. */
const PACE_MS = (T + I) / IN_FLIGHT
const WAVES = 3

type Phase = { name: string; ids: string[]; durations: number[] }

async function phaseBreakdown(pool: pg.Pool, ids: string[]) {
  // Where the time over T + I goes, per story, from the rows' timestamps (now() is each transaction's start).
  const { rows } = await pool.query(
    `select extract(epoch from (max(c.created_at) - j.created_at)) * 1000 - $2::int as text_over,
            extract(epoch from (max(i.created_at) - max(c.created_at))) * 1000 - $3::int as image_over,
            extract(epoch from (j.finished_at - max(i.created_at))) * 1000 as settle
       from jobs j join chapters c on c.story_id = j.story_id join images i on i.story_id = j.story_id
      where j.id = any($1::text[]) and j.status = 'completed' group by j.id`,
    [ids, T, I],
  )
  const stat = (key: string) => {
    const values = rows.map((r) => Number(r[key]))
    return `p50 ${round(percentile(values, 50), 0)} ms, p99 ${round(percentile(values, 99), 0)} ms`
  }
  return `POST → last chapter saved, less T: ${stat('text_over')}; last chapter saved → last image stored, less I: ${stat('image_over')}; last image stored → story completed: ${stat('settle')}`
}

const describe = (p: Phase) =>
  `${p.name}: ${p.durations.length} of ${p.ids.length} completed; min ${round(Math.min(...p.durations), 0)} ms, p50 ${round(percentile(p.durations, 50), 0)} ms, p90 ${round(percentile(p.durations, 90), 0)} ms, p99 ${round(percentile(p.durations, 99), 0)} ms, max ${round(Math.max(...p.durations), 0)} ms`

export async function latency({ pool, prefix, log }: BenchContext): Promise<Outcome> {
  const api = await startApi({ QUEUE_PREFIX: prefix })
  const worker = await startWorker({
    QUEUE_PREFIX: prefix,
    FIXTURES_TEXT_MS: String(T),
    FIXTURES_IMAGE_MS: String(I),
    STREAMING: 'false',
    TEXT_CONCURRENCY: String(TEXT_CONCURRENCY),
    IMAGE_CONCURRENCY: String(IMAGE_CONCURRENCY),
    DATABASE_POOL_SIZE: POOL_SIZE,
  })
  const clients = await parents(api.url, IN_FLIGHT)
  // The children's avatars are drawn first (they take I each), out of the way of the measurement.
  await waitForAvatars(pool)
  worker.steps.clear()
  const phases: Phase[] = []

  // 1. One story at a time: the latency with nothing else going on.
  log(`  ${SERIAL} stories one at a time`)
  const serial: string[] = []
  for (let i = 0; i < SERIAL; i++) {
    const client = clients[i % clients.length]!
    const { ids } = await storiesThrough(pool, [client], 1, { concurrency: 1, timeoutMs: 30_000, intervalMs: 20 })
    serial.push(...ids)
  }
  phases.push({ name: `one at a time (${SERIAL} stories)`, ids: serial, durations: await storyDurations(pool, serial) })

  // 2. Evenly arriving stories, about IN_FLIGHT in flight: the measured figure.
  log(`  ${PACED} stories, one every ${PACE_MS} ms (about ${IN_FLIGHT} in flight)`)
  worker.steps.clear()
  const paced = await arriveEvenly(
    pool,
    clients,
    { count: PACED, paceMs: PACE_MS, timeoutMs: 60_000 },
    async (client) => (await client.requestStory()).jobId,
  )
  phases.push({ name: `evenly arriving (${PACED} stories, one every ${PACE_MS} ms)`, ...paced })
  const pacedSteps = [...worker.steps]
    .map(([queue, s]) => `${queue} mean ${round(s.totalMs / s.count, 0)} ms, max ${s.maxMs} ms (${s.count} steps)`)
    .join('; ')

  // 3. Synchronised waves: IN_FLIGHT stories posted at once, every step of them colliding.
  log(`  ${WAVES} waves of ${IN_FLIGHT} stories posted at once`)
  const waves: string[] = []
  for (let wave = 0; wave < WAVES; wave++) {
    const { ids } = await storiesThrough(pool, clients, IN_FLIGHT, {
      concurrency: IN_FLIGHT,
      timeoutMs: 60_000,
      intervalMs: 50,
    })
    waves.push(...ids)
  }
  phases.push({
    name: `synchronised waves (${WAVES} × ${IN_FLIGHT} stories posted at once)`,
    ids: waves,
    durations: await storyDurations(pool, waves),
  })
  const breakdowns = await Promise.all(phases.map((p) => phaseBreakdown(pool, p.ids)))
  await worker.stop()
  await api.stop()

  const budget = T + I
  const [alone, even, burst] = phases as [Phase, Phase, Phase]
  const p50 = percentile(even.durations, 50)
  const p99 = percentile(even.durations, 99)
  const burstP99 = percentile(burst.durations, 99)
  const figures: Figure[] = [
    { label: 'p50 POST → completed, evenly arriving', value: p50, unit: 'ms', digits: 0 },
    {
      label: `p99 POST → completed, evenly arriving (${PACED} stories)`,
      value: p99,
      unit: 'ms',
      digits: 0,
      target: `≤ T + I + 100 ms = ${budget + 100} ms`,
      pass: p99 <= budget + 100,
    },
    { label: 'p99 ÷ (T + I), evenly arriving', value: p99 / budget, unit: '', digits: 3 },
    {
      label: `p99, synchronised waves of ${IN_FLIGHT}`,
      value: burstP99,
      unit: 'ms',
      digits: 0,
      target: `≤ ${budget + 100} ms`,
      pass: burstP99 <= budget + 100,
    },
    { label: 'p50, one story at a time', value: percentile(alone.durations, 50), unit: 'ms', digits: 0 },
  ]
  return {
    setup: `One worker with TEXT_CONCURRENCY ${TEXT_CONCURRENCY} and IMAGE_CONCURRENCY ${IMAGE_CONCURRENCY} (DATABASE_POOL_SIZE ${POOL_SIZE}), so no story of the at most ${IN_FLIGHT} in flight waits for a slot; fixtures provider with FIXTURES_TEXT_MS=${T} (T) and FIXTURES_IMAGE_MS=${I} (I), STREAMING=false: the least a story can take is T + I = ${budget} ms. Three phases: ${SERIAL} stories one at a time; ${PACED} stories arriving evenly, one every ${PACE_MS} ms (about ${IN_FLIGHT} in flight: the measured figure); ${WAVES} waves of ${IN_FLIGHT} stories posted at once (the worst case: with the fixtures' fixed latencies every step of a wave runs at the same moment). Latency per story from Postgres: the job's finished_at − created_at (created_at is the POST's transaction start).`,
    figures,
    notes: [
      ...phases.map(
        (p, i) =>
          `${describe(p)}; overhead over T + I: p50 ${round(percentile(p.durations, 50) - budget, 0)} ms, p99 ${round(percentile(p.durations, 99) - budget, 0)} ms. Where it goes: ${breakdowns[i]}.`,
      ),
      `The three parts: POST → last chapter saved, less T, is the POST's commit and enqueue, the queue hand-off and the text step's reads and writes (saving five chapters); last chapter saved → last image stored, less I, is enqueuing five image jobs, their hand-off and each image step's reads; last image stored → completed is 0 since the last image's settle completes the story in the same statement.`,
      `Worker steps while evenly arriving (from its logs): ${pacedSteps}.`,
    ],
  }
}
