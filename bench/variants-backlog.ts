// The image-variants step on a worker of its own, as ops would run it at scale: how fast one process
// makes the variants the pipeline's pictures left queued, and the CPU a picture's variants cost.
import { QUEUES } from '@dreamify/core'
import type pg from 'pg'
import type { Figure } from './report.ts'
import { cpuMeter, describeCpu, round, startWorker, waitFor } from './support/index.ts'

const PICTURES = Number(process.env.BENCH_VARIANT_PICTURES ?? 500)
const VARIANT_CONCURRENCY = 2

/** Every queue but the variants: what the pipeline's generation workers run. */
export const GENERATION_QUEUES = Object.values(QUEUES)
  .filter((queue) => queue !== QUEUES.imageVariants)
  .join(',')

const madeCount = async (pool: pg.Pool) =>
  (await pool.query<{ n: number }>('select count(*)::int as n from images where variants_made_at is not null')).rows[0]!
    .n

/** Starts a variants-only worker on the queued backlog and times its first PICTURES pictures. */
export async function measureVariantBacklog(pool: pg.Pool, prefix: string, log: (line: string) => void) {
  const { rows } = await pool.query<{ n: number }>(
    'select count(*)::int as n from images where variants_made_at is null',
  )
  const backlog = rows[0]!.n
  const pictures = Math.min(PICTURES, backlog)
  log(
    `image variants: ${pictures} of ${backlog} queued pictures, 1 worker of its own (VARIANT_CONCURRENCY ${VARIANT_CONCURRENCY})`,
  )
  const madeBefore = await madeCount(pool)
  const worker = await startWorker({
    QUEUE_PREFIX: prefix,
    WORKER_QUEUES: QUEUES.imageVariants,
    VARIANT_CONCURRENCY: String(VARIANT_CONCURRENCY),
  })
  try {
    const meter = cpuMeter({ worker: [worker.pid] })
    const t0 = Date.now()
    await waitFor('the variants', async () => (await madeCount(pool)) - madeBefore >= pictures, {
      timeoutMs: 600_000,
      intervalMs: 50,
    })
    const seconds = (Date.now() - t0) / 1000
    const cpu = meter.read()
    const perSecond = pictures / seconds
    const cpuPerPictureMs = ((cpu.parts.worker ?? 0) / pictures) * 1000
    log(`  ${round(perSecond, 1)} pictures/s, ${round(cpuPerPictureMs, 1)} ms of CPU each`)
    const figures: Figure[] = [
      { label: 'image variants, one worker of its own: pictures/s', value: perSecond, unit: 'pictures/s', digits: 1 },
      {
        label: 'image variants: worker CPU per picture (512 and 1024 WebP)',
        value: cpuPerPictureMs,
        unit: 'ms',
        digits: 1,
      },
    ]
    const note = `Image variants: a worker running only the image-variants queue (WORKER_QUEUES=image-variants, VARIANT_CONCURRENCY ${VARIANT_CONCURRENCY}), started on the ${backlog} pictures the run left queued, made the first ${pictures} in ${round(seconds, 1)} s; ${describeCpu(cpu)}. At ${round(cpuPerPictureMs, 1)} ms of CPU a picture (five a story), a core keeps up with about ${Math.round(1000 / cpuPerPictureMs / 5)} stories/s.`
    return { figures, note }
  } finally {
    await worker.stop()
  }
}
