import { addAgain, jobItem, type Logger, QUEUES, type Queues } from '@dreamify/core'
import { type Db, idempotencyRepository, imageRepository } from '@dreamify/db'
import { type MediaStores, runMediaHousekeeping } from '@dreamify/media'
import { runPeriodically } from './periodic.ts'

const INTERVAL_MS = 10 * 60_000
const BATCH = 1000
/** A pass stops after this many batches, so one pass never holds a connection for long; the next pass goes on. */
const MAX_BATCHES = 20
/** Media deletions are retried sooner: a deleted story's pictures should not linger for long. */
const MEDIA_INTERVAL_MS = 60_000
/** A picture still without variants this long after it settled had its job lost (or predates the step). */
const VARIANTS_OVERDUE_SECONDS = 120
/** Pictures whose variants one pass queues again at the most; the next pass goes on. */
const VARIANTS_BATCH = 500

/**
 * Deletes what has outlived its use: expired idempotency keys (the API only clears a parent's own
 * dead keys when that parent sends another), and media: objects no step settled, and the objects
 * of deleted records (see runMediaHousekeeping). With the media pass, it queues again the image
 * variants whose job was lost (see the image-variants step). Every worker runs it; passes that
 * overlap just find less to do, and queue entries have deterministic ids.
 */
export function startHousekeeping({
  db,
  logger,
  media,
  queues,
  orphanGraceSeconds = 3600,
  variantsOverdueSeconds = VARIANTS_OVERDUE_SECONDS,
  intervalMs = INTERVAL_MS,
  mediaIntervalMs = MEDIA_INTERVAL_MS,
}: {
  db: Db
  logger: Logger
  media?: Pick<MediaStores, 'byName'>
  /** where overdue image variants are queued again (no sweep without it) */
  queues?: Queues
  orphanGraceSeconds?: number
  variantsOverdueSeconds?: number
  intervalMs?: number
  mediaIntervalMs?: number
}) {
  const mediaPass = media
    ? runPeriodically('media housekeeping', { intervalMs: mediaIntervalMs, jitterMs: 5_000, logger }, async () => {
        const result = await runMediaHousekeeping(db, media, { orphanGraceSeconds })
        if (result.swept + result.deleted + result.failed > 0) logger.info(result, 'media housekeeping')
        if (queues) await queueOverdueVariants(db, queues, logger, variantsOverdueSeconds)
      })
    : undefined
  const keys = runPeriodically('housekeeping', { intervalMs, jitterMs: 10_000, logger }, async () => {
    let deleted = 0
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const count = await idempotencyRepository.deleteExpired(db, BATCH)
      deleted += count
      if (count < BATCH) break
    }
    if (deleted > 0) logger.debug({ deleted }, 'expired idempotency keys deleted')
  })
  return {
    async tick() {
      await keys.tick()
      await mediaPass?.tick()
    },
    stop() {
      keys.stop()
      mediaPass?.stop()
    },
  }
}

async function queueOverdueVariants(db: Db, queues: Queues, logger: Logger, overdueSeconds: number) {
  const keys = await imageRepository.listAwaitingVariants(db, overdueSeconds, VARIANTS_BATCH)
  if (keys.length === 0) return
  await addAgain(
    queues,
    keys.map((originalKey) => jobItem(QUEUES.imageVariants, { originalKey })),
  )
  logger.info({ images: keys.length }, 'image variants queued again')
}
