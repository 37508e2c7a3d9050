import type { Logger } from '@dreamify/core'
import { type Db, idempotencyRepository } from '@dreamify/db'
import { runPeriodically } from './periodic.ts'

const INTERVAL_MS = 10 * 60_000
const BATCH = 1000
/** A pass stops after this many batches, so one pass never holds a connection for long; the next pass goes on. */
const MAX_BATCHES = 20

/**
 * Deletes what has outlived its use: expired idempotency keys (the API only clears a parent's own
 * dead keys when that parent sends another). Every worker runs it; passes that overlap just find
 * less to do.
 */
export function startHousekeeping({
  db,
  logger,
  intervalMs = INTERVAL_MS,
}: {
  db: Db
  logger: Logger
  intervalMs?: number
}) {
  return runPeriodically('housekeeping', { intervalMs, jitterMs: 10_000, logger }, async () => {
    let deleted = 0
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const count = await idempotencyRepository.deleteExpired(db, BATCH)
      deleted += count
      if (count < BATCH) break
    }
    if (deleted > 0) logger.debug({ deleted }, 'expired idempotency keys deleted')
  })
}
