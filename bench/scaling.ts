// 5. scaling: 1, 2 and 4 worker processes against a provider-bound load.
import type { Figure, Outcome } from './report.ts'
import {
  type BenchContext,
  cpuMeter,
  describeCpu,
  parents,
  round,
  startApi,
  startWorkers,
  stopAll,
  storiesThrough,
  waitForAvatars,
} from './support/index.ts'
import { GENERATION_QUEUES } from './variants-backlog.ts'

const COUNTS = [1, 2, 4]
const TEXT_MS = 1000
const IMAGE_MS = 500
const TEXT_CONCURRENCY = 2
const IMAGE_CONCURRENCY = 4
/** Stories per worker process, so that each run lasts about as long and fill and drain weigh the same. */
const STORIES_PER_WORKER = Number(process.env.BENCH_SCALING_STORIES_PER_WORKER ?? 24)
const PARENTS = 8

// One worker's ceiling: text 2 at a time × 1 s = 2 stories/s; images 4 at a time × 0.5 s = 8 images/s = 1.6 stories/s.
const CEILING_PER_WORKER = Math.min(TEXT_CONCURRENCY / (TEXT_MS / 1000), IMAGE_CONCURRENCY / (IMAGE_MS / 1000) / 5)

export async function scaling({ pool, prefix, log }: BenchContext): Promise<Outcome> {
  const env = {
    QUEUE_PREFIX: prefix,
    FIXTURES_TEXT_MS: String(TEXT_MS),
    FIXTURES_IMAGE_MS: String(IMAGE_MS),
    TEXT_CONCURRENCY: String(TEXT_CONCURRENCY),
    IMAGE_CONCURRENCY: String(IMAGE_CONCURRENCY),
    DATABASE_POOL_SIZE: '5',
    // Generation workers, as the README's Scaling advises at scale: the image variants are CPU-bound
    // (about 0.1 s a picture here) and would make this 2-core machine, not the provider, the limit.
    WORKER_QUEUES: GENERATION_QUEUES,
  }
  const api = await startApi({ QUEUE_PREFIX: prefix })
  const clients = await parents(api.url, PARENTS)
  const runs: Array<{ workers: number; stories: number; perS: number; windowS: number; cpu: string }> = []
  for (const count of COUNTS) {
    const workers = await startWorkers(count, env)
    await waitForAvatars(pool)
    const stories = STORIES_PER_WORKER * count
    const meter = cpuMeter({ api: [api.pid], workers: workers.map((w) => w.pid) })
    // All at once: the queue holds more than the workers can take, so they are saturated throughout.
    const { tally } = await storiesThrough(pool, clients, stories, { concurrency: 32, timeoutMs: 180_000 })
    const cpu = meter.read()
    await stopAll(workers)
    const windowS = (tally.lastFinished - tally.firstCreated) / 1000
    const perS = tally.completed / windowS
    runs.push({ workers: count, stories, perS, windowS, cpu: describeCpu(cpu) })
    log(
      `  ${count} worker(s): ${tally.completed}/${stories} stories in ${round(windowS, 2)} s = ${round(perS, 2)} stories/s`,
    )
  }
  await api.stop()

  const base = runs[0]!.perS
  const figures: Figure[] = runs.map((r) => ({
    label: `${r.workers} worker${r.workers > 1 ? 's' : ''}: throughput (${r.stories} stories)`,
    value: r.perS,
    unit: 'stories/s',
    digits: 2,
  }))
  for (const r of runs.slice(1)) {
    figures.push(
      r.workers === 4
        ? {
            label: '4 workers ÷ 1 worker',
            value: r.perS / base,
            unit: '×',
            digits: 2,
            target: '≥ 3.6×',
            pass: r.perS / base >= 3.6,
          }
        : { label: `${r.workers} workers ÷ 1 worker`, value: r.perS / base, unit: '×', digits: 2 },
    )
  }
  return {
    setup: `Fixtures provider with FIXTURES_TEXT_MS=${TEXT_MS} and FIXTURES_IMAGE_MS=${IMAGE_MS}, each worker capped at TEXT_CONCURRENCY ${TEXT_CONCURRENCY} and IMAGE_CONCURRENCY ${IMAGE_CONCURRENCY} (DATABASE_POOL_SIZE 5), STREAMING=true, running every queue but image-variants (WORKER_QUEUES; the CPU-bound variants run on workers of their own at scale, and the pipeline section measures them); ${COUNTS.join(', ')} worker processes, ${STORIES_PER_WORKER} stories per worker posted at once (so the queue stays ahead of the workers). Throughput = completed stories ÷ (last finished_at − first created_at). One worker's ceiling is min(text ${TEXT_CONCURRENCY}/${TEXT_MS / 1000} s, images ${IMAGE_CONCURRENCY}/${IMAGE_MS / 1000} s ÷ 5) = ${CEILING_PER_WORKER} stories/s.`,
    figures,
    notes: runs.map(
      (r) =>
        `${r.workers} worker(s): ${r.stories} stories in ${round(r.windowS, 2)} s, ${round(r.perS, 2)} stories/s = ${Math.round((r.perS / (CEILING_PER_WORKER * r.workers)) * 100)} % of the ceiling. ${r.cpu}.`,
    ),
  }
}
