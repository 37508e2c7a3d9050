import type { Db } from '@dreamify/db'
import { moderationRepository } from '@dreamify/db'
import {
  type ModerationInput,
  type ModerationMetrics,
  type ModerationStage,
  type ModerationVerdict,
  type Moderator,
  ModeratorUnavailableError,
} from '@dreamify/moderation'
import { ProviderError } from '../providers/index.ts'

export interface ScreenTarget {
  storyId: string
  jobId: string
  stage: Exclude<ModerationStage, 'request'>
  /** topic, title, chapter 3, image 3 */
  target: string
}

/** The worker's moderator with its audit trail and metrics: every decision is stored and counted. */
export interface SafetyScreen {
  readonly moderator: Moderator
  check(target: ScreenTarget, input: ModerationInput, signal?: AbortSignal): Promise<ModerationVerdict>
}

/**
 * Fail closed: a step whose check cannot be made is retried like a provider outage, never skipped.
 * The moderator is the provider's own server, so its 429 pauses the queue and a refused key fails at once.
 */
function unavailable(error: ModeratorUnavailableError): ProviderError {
  const options = { ...(error.status === undefined ? {} : { status: error.status }), cause: error }
  if (error.status === 401 || error.status === 403)
    return new ProviderError(
      'permanent',
      'PROVIDER_AUTH',
      `the moderator refused our credentials (${error.status})`,
      options,
    )
  if (error.status === 429)
    return new ProviderError('rate_limited', 'PROVIDER_UNAVAILABLE', 'moderator rate limit', {
      ...options,
      retryAfterMs: 10_000,
    })
  return new ProviderError('transient', 'PROVIDER_UNAVAILABLE', error.message, options)
}

export function createSafetyScreen(deps: { db: Db; moderator: Moderator; metrics?: ModerationMetrics }): SafetyScreen {
  const { db, moderator, metrics } = deps
  return {
    moderator,
    async check(target, input, signal) {
      const started = performance.now()
      let verdict: ModerationVerdict
      try {
        verdict = await moderator.check(input, signal)
      } catch (error) {
        if (error instanceof ModeratorUnavailableError) throw unavailable(error)
        throw error
      }
      metrics?.observe(target.stage, verdict, started)
      await moderationRepository.recordForStory(db, {
        story_id: target.storyId,
        job_id: target.jobId,
        stage: target.stage,
        target: target.target,
        moderator: verdict.moderator,
        decision: verdict.decision,
        categories: verdict.categories,
      })
      return verdict
    },
  }
}
