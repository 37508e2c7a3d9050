import type { GenerationErrorCode } from '@dreamify/core'
import { type Job, type Queue, RateLimitError, UnrecoverableError } from 'bullmq'
import { ProviderError } from './providers/index.ts'
import type { StepFailure } from './steps/definition.ts'

export type Decision = { action: 'retry' } | { action: 'pause'; ms: number } | { action: 'fail'; failure: StepFailure }

/**
 * The failure policy, in one place. Transient errors retry with backoff and jitter (the job's
 * `attempts` bound them); a 429 pauses the whole queue for its Retry-After, for every worker;
 * permanent errors, and the last attempt of a transient one, fail with a clear code.
 */
export function decide(error: unknown, job: Pick<Job, 'attemptsMade' | 'opts'>): Decision {
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1)
  if (error instanceof ProviderError) {
    if (error.kind === 'permanent') return { action: 'fail', failure: { code: error.code, message: error.message } }
    if (error.kind === 'rate_limited') return { action: 'pause', ms: error.retryAfterMs ?? 10_000 }
    return lastAttempt ? { action: 'fail', failure: { code: error.code, message: error.message } } : { action: 'retry' }
  }
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
