import type { Db } from '@dreamify/db'
import { moderationRepository, type StoryDecision } from '@dreamify/db'
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
  /** null for a job without a story (an avatar's): the decision is the job's, its parent the job's */
  storyId: string | null
  jobId: string
  stage: Exclude<ModerationStage, 'request'>
  /** topic, title, chapter 3, image 3, avatar */
  target: string
}

/** Writes decisions of one story (or, with storyId null, of one storyless job) in one statement. */
function record(db: Db, storyId: string | null, jobId: string, decisions: readonly StoryDecision[]): Promise<void> {
  return storyId === null
    ? moderationRepository.recordForJob(db, jobId, decisions)
    : moderationRepository.recordForStory(db, storyId, decisions)
}

/** The worker's moderator with its audit trail and metrics: every decision is stored and counted. */
export interface SafetyScreen {
  readonly moderator: Moderator
  /** checks, and stores the decision at once */
  check(target: ScreenTarget, input: ModerationInput, signal?: AbortSignal): Promise<ModerationVerdict>
  /** a screen for one run of a step, whose allowed decisions wait for the statement that saves what they judged */
  holding(): HoldingScreen
}

/**
 * Allowed decisions are held and handed (`take`) to the lifecycle statement that saves what they
 * let through, so the audit trail costs no round trip of its own. A flag is stored at once: nothing
 * is saved with it, and a retry counts it (the second flag of a story's text fails the story).
 */
export interface HoldingScreen extends Pick<SafetyScreen, 'moderator' | 'check'> {
  /** the decisions held so far, now the caller's to write */
  take(): StoryDecision[]
  /** writes whatever is still held, for a run that ends without saving what was judged */
  flush(): Promise<void>
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

  async function judge(target: ScreenTarget, input: ModerationInput, signal?: AbortSignal) {
    const started = performance.now()
    let verdict: ModerationVerdict
    try {
      verdict = await moderator.check(input, signal)
    } catch (error) {
      if (error instanceof ModeratorUnavailableError) throw unavailable(error)
      throw error
    }
    metrics?.observe(target.stage, verdict, started)
    const decision: StoryDecision = {
      job_id: target.jobId,
      stage: target.stage,
      target: target.target,
      moderator: verdict.moderator,
      decision: verdict.decision,
      categories: verdict.categories,
    }
    return { verdict, decision }
  }

  return {
    moderator,
    async check(target, input, signal) {
      const { verdict, decision } = await judge(target, input, signal)
      await record(db, target.storyId, target.jobId, [decision])
      return verdict
    },
    holding() {
      const held: Array<{ target: ScreenTarget; decision: StoryDecision }> = []
      // decisions are written a story's at a time, or a storyless job's
      const ownerOf = ({ storyId, jobId }: ScreenTarget) => storyId ?? `job ${jobId}`
      return {
        moderator,
        async check(target, input, signal) {
          const { verdict, decision } = await judge(target, input, signal)
          if (verdict.decision === 'flagged') await record(db, target.storyId, target.jobId, [decision])
          else held.push({ target, decision })
          return verdict
        },
        take: () => held.splice(0).map(({ decision }) => decision),
        async flush() {
          const rest = held.splice(0)
          for (const owner of new Set(rest.map((h) => ownerOf(h.target)))) {
            const mine = rest.filter((h) => ownerOf(h.target) === owner)
            const { storyId, jobId } = mine[0]!.target
            await record(
              db,
              storyId,
              jobId,
              mine.map((h) => h.decision),
            )
          }
        },
      }
    },
  }
}
