import { QUEUES, removeQueueEntries } from '@dreamify/core'
import type { StepDefinition } from './definition.ts'

/**
 * Takes what an erasure (a story, a child or an account deleted: apps/api's erasure.ts) could not
 * remove at once because a worker still held it: those queue entries, and the event streams of the
 * cancelled jobs, which their worker may have written to once more before letting go. The API
 * queues it with a delay; it is tried again with backoff while an entry is still held. Any worker
 * runs it, so the sweep happens even when the API that erased has stopped meanwhile.
 */
export const erasureSweepStep: StepDefinition<typeof QUEUES.erasureSweep> = {
  queue: QUEUES.erasureSweep,
  concurrency: () => 1,
  ratePerMinute: () => 0,

  async run({ entries, jobIds }, { queues, events }) {
    await events.erase(jobIds)
    const held = await removeQueueEntries(queues, entries)
    if (held.length > 0) throw new Error(`${held.length} erased queue entries are still held by a worker`)
  },

  // Every try found an entry still held: it is left to expire with its queue's retention.
  async fail({ entries }, _failure, { logger }) {
    logger.warn(
      { entries: entries.length },
      'erased queue entries still held after every try; they expire on their own',
    )
    return undefined
  },
}
