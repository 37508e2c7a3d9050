import { type Db, mediaRepository } from '@dreamify/db'
import type { MediaStores } from './stores.ts'

export interface MediaHousekeepingResult {
  /** unsettled records older than the grace period, deleted (their objects queued for deletion) */
  swept: number
  /** objects deleted from the store */
  deleted: number
  /** deletions that failed this pass and stay queued */
  failed: number
}

/**
 * One pass of the media housekeeping: sweeps objects whose step never settled (a crash between
 * upload and settle), then deletes the queued objects from their store. A failed deletion stays
 * queued and is tried again later; nothing is forgotten.
 */
export async function runMediaHousekeeping(
  db: Db,
  stores: Pick<MediaStores, 'byName'>,
  {
    orphanGraceSeconds,
    batch = 100,
    maxBatches = 20,
  }: { orphanGraceSeconds: number; batch?: number; maxBatches?: number },
): Promise<MediaHousekeepingResult> {
  const result: MediaHousekeepingResult = { swept: 0, deleted: 0, failed: 0 }
  result.swept = await mediaRepository.sweepOrphans(db, orphanGraceSeconds)
  for (let pass = 0; pass < maxBatches; pass++) {
    const due = await mediaRepository.dueDeletions(db, batch)
    let failedThisBatch = 0
    for (const { key, store } of due) {
      try {
        await stores.byName(store).delete(key)
        await mediaRepository.deleted(db, key)
        result.deleted++
      } catch (error) {
        await mediaRepository.deletionFailed(db, key, (error as Error).message)
        failedThisBatch++
      }
    }
    result.failed += failedThisBatch
    // A store that fails every deletion is down: the next pass tries again.
    if (due.length < batch || failedThisBatch === due.length) break
  }
  return result
}
