// 4. latency: POST → completed against a provider that takes T for the text and I per image.
import type { Outcome } from './report.ts'
import { type BenchContext, parents, percentile, postStories, round, startApi, startWorker, storyDurations, waitForAvatars, waitForStories } from './support.ts'

const T = 2000
const I = 1000
const WAVES = 6
const PER_WAVE = 10
const TEXT_CONCURRENCY = PER_WAVE
// Every image of a wave at once: provider-bound concurrency is not what is measured here.
const IMAGE_CONCURRENCY = 5 * PER_WAVE

export async function latency({ pool, prefix, log }: BenchContext): Promise<Outcome> {
  const api = await startApi({ QUEUE_PREFIX: prefix })
  const worker = await startWorker({
    QUEUE_PREFIX: prefix, FIXTURES_TEXT_MS: String(T), FIXTURES_IMAGE_MS: String(I), STREAMING: 'false',
    TEXT_CONCURRENCY: String(TEXT_CONCURRENCY), IMAGE_CONCURRENCY: String(IMAGE_CONCURRENCY),
  })
  const clients = await parents(api.url, PER_WAVE)
  // The children's avatars are drawn first (they take I each), out of the way of the measurement.
  await waitForAvatars(pool)
  worker.steps.clear()
  const ids: string[] = []
  for (let wave = 0; wave < WAVES; wave++) {
    const waveIds = await postStories(clients, PER_WAVE, PER_WAVE)
    await waitForStories(pool, PER_WAVE, { ids: waveIds, timeoutMs: 60_000, intervalMs: 50 })
    ids.push(...waveIds)
    log(`  wave ${wave + 1}/${WAVES} done`)
  }
  const durations = await storyDurations(pool, ids)
  await worker.stop()
  await api.stop()

  const budget = T + I
  const p50 = percentile(durations, 50)
  const p99 = percentile(durations, 99)
  const steps = [...worker.steps].map(([queue, s]) => `${queue} mean ${round(s.totalMs / s.count, 0)} ms, max ${s.maxMs} ms (${s.count} steps)`).join('; ')
  return {
    setup: `${WAVES} waves of ${PER_WAVE} stories (${WAVES * PER_WAVE} in all; a wave starts when the previous one is finished), one worker with TEXT_CONCURRENCY ${TEXT_CONCURRENCY} and IMAGE_CONCURRENCY ${IMAGE_CONCURRENCY}, so no story waits for a slot. Fixtures provider with FIXTURES_TEXT_MS=${T} (T) and FIXTURES_IMAGE_MS=${I} (I), STREAMING=false: the least a story can take is T + I = ${budget} ms. Latency per story from Postgres: the job's finished_at − created_at (created_at is the POST's transaction start).`,
    figures: [
      { label: 'p50 POST → completed', value: p50, unit: 'ms', digits: 0 },
      { label: 'p99 POST → completed', value: p99, unit: 'ms', digits: 0, target: `≤ T + I + 100 ms = ${budget + 100} ms`, pass: p99 <= budget + 100 },
      { label: 'p99 ÷ (T + I)', value: p99 / budget, unit: '', digits: 3 },
    ],
    notes: [
      `${durations.length} of ${ids.length} stories completed; min ${round(Math.min(...durations), 0)} ms, p50 ${round(p50, 0)} ms, p90 ${round(percentile(durations, 90), 0)} ms, p99 ${round(p99, 0)} ms, max ${round(Math.max(...durations), 0)} ms; overhead over T + I: p50 ${round(p50 - budget, 0)} ms, p99 ${round(p99 - budget, 0)} ms.`,
      `Worker steps (from its logs): ${steps}. An image step's overhead over I and the text step's over T add up with the hand-offs (POST commit → queue → text step; last chapter saved → image jobs enqueued → picked up) to the overhead above.`,
    ],
  }
}
