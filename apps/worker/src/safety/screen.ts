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
        // Fail closed: a step whose check cannot be made is retried like a provider outage, never skipped.
        if (error instanceof ModeratorUnavailableError)
          throw new ProviderError('transient', 'PROVIDER_UNAVAILABLE', error.message, {
            ...(error.status === undefined ? {} : { status: error.status }),
            cause: error,
          })
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
