import type { Logger } from '@dreamify/core'
import { type Db, idempotencyRepository } from '@dreamify/db'
import { type MediaStores, runMediaHousekeeping } from '@dreamify/media'
import { runPeriodically } from './periodic.ts'

const INTERVAL_MS = 10 * 60_000
const BATCH = 1000
/** A pass stops after this many batches, so one pass never holds a connection for long; the next pass goes on. */
const MAX_BATCHES = 20
/** Media deletions are retried sooner: a deleted story's pictures should not linger for long. */
const MEDIA_INTERVAL_MS = 60_000

/**
 * Deletes what has outlived its use: expired idempotency keys (the API only clears a parent's own
 * dead keys when that parent sends another), and media: objects no step settled, and the objects
 * of deleted records (see runMediaHousekeeping). Every worker runs it; passes that overlap just
 * find less to do.
 */
export function startHousekeeping({
  db,
  logger,
  media,
  orphanGraceSeconds = 3600,
  intervalMs = INTERVAL_MS,
  mediaIntervalMs = MEDIA_INTERVAL_MS,
}: {
  db: Db
  logger: Logger
  media?: Pick<MediaStores, 'byName'>
  orphanGraceSeconds?: number
  intervalMs?: number
  mediaIntervalMs?: number
}) {
  const mediaPass = media
    ? runPeriodically('media housekeeping', { intervalMs: mediaIntervalMs, jitterMs: 5_000, logger }, async () => {
        const result = await runMediaHousekeeping(db, media, { orphanGraceSeconds })
        if (result.swept + result.deleted + result.failed > 0) logger.info(result, 'media housekeeping')
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
