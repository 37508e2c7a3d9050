import type { GenerationErrorCode } from '@dreamify/core'
import { MediaStoreUnavailableError } from '@dreamify/media'
import { type Job, type Queue, RateLimitError, UnrecoverableError } from 'bullmq'
import { ProviderError } from './providers/index.ts'
import type { StepFailure } from './steps/definition.ts'

/** How long the queue waits before trying the media store again. */
export const MEDIA_STORE_PAUSE_MS = 2_000

export type Decision = { action: 'retry' } | { action: 'pause'; ms: number } | { action: 'fail'; failure: StepFailure }

/**
 * The failure policy, in one place. Transient errors retry with backoff and jitter (the job's
 * `attempts` bound them); a 429 pauses the whole queue for its Retry-After, for every worker;
 * permanent errors, and the last attempt of a transient one, fail with a clear code. The media
 * store being down pauses the queue too, without using up attempts: every step needing it would
 * fail the same way, and nothing is lost while it is away.
 */
export function decide(error: unknown, job: Pick<Job, 'attemptsMade' | 'opts'>): Decision {
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1)
  if (error instanceof ProviderError) {
    if (error.kind === 'permanent') return { action: 'fail', failure: { code: error.code, message: error.message } }
    if (error.kind === 'rate_limited') return { action: 'pause', ms: error.retryAfterMs ?? 10_000 }
    return lastAttempt ? { action: 'fail', failure: { code: error.code, message: error.message } } : { action: 'retry' }
  }
  if (error instanceof MediaStoreUnavailableError) return { action: 'pause', ms: MEDIA_STORE_PAUSE_MS }
  const code: GenerationErrorCode = 'INTERNAL'
  return lastAttempt
    ? { action: 'fail', failure: { code, message: 'an unexpected error in the worker' } }
    : { action: 'retry' }
}

/** Carries a decision out the way BullMQ expects: by what the processor throws. */
export async function act(
  decision: Decision,
  error: unknown,
  queue: Queue,
  recordFailure: (failure: StepFailure) => Promise<void>,
): Promise<never> {
  switch (decision.action) {
    case 'pause':
      await queue.rateLimit(decision.ms)
      throw new RateLimitError()
    case 'fail':
      await recordFailure(decision.failure)
      throw new UnrecoverableError(decision.failure.message)
    case 'retry':
      throw error
  }
}
