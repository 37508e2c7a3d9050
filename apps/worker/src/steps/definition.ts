import type { Config, GenerationErrorCode, Logger, PayloadOf, QueueName, Queues } from '@dreamify/core'
import type { Db, JobRow } from '@dreamify/db'
import type { MediaStores } from '@dreamify/media'
import type { JobEventPublisher } from '../events.ts'
import type { GenerationProvider } from '../providers/index.ts'
import type { SafetyScreen } from '../safety/screen.ts'

export interface StepContext {
  db: Db
  /** where new media is stored (`store`, MEDIA_STORE), and each object is read from (`byName`, the store its record names) */
  media: Pick<MediaStores, 'store' | 'byName'>
  provider: GenerationProvider
  /** the moderator every text and picture passes before it is saved (with its audit trail) */
  safety: SafetyScreen
  queues: Queues
  config: Config
  logger: Logger
  /** tells clients streaming the job's events what happened (never throws) */
  events: JobEventPublisher
  /** aborted when the job is cancelled (from any API instance) or the worker shuts down */
  signal: AbortSignal
  /** 1 on the first try */
  attempt: number
  /** counts a story this step's own transition has just finished (a settle's `completedNow`) in metrics */
  storyFinished: (job: JobRow) => void
}

export interface StepFailure {
  code: GenerationErrorCode
  message: string
}

/** One job per file: what it consumes, how it runs, and what a failure that will not be retried records. */
export interface StepDefinition<N extends QueueName> {
  queue: N
  /** how many of these one worker process runs at once */
  concurrency: (config: Config) => number
  /** provider calls per minute across every worker (0 = none) */
  ratePerMinute: (config: Config) => number
  /** the Postgres job whose cancellation stops this one (none for a step no job owns: image variants) */
  ownerJobId?: (payload: PayloadOf[N]) => string
  run: (payload: PayloadOf[N], context: StepContext) => Promise<void>
  /**
   * records the failure; resolves to the job as it now is (undefined when it was finished or gone).
   * A `failed` row means this call failed it (the worker counts it); a story it completes instead
   * (a chapter's drawing given up on) the handler counts itself.
   */
  fail: (
    payload: PayloadOf[N],
    failure: StepFailure,
    context: Omit<StepContext, 'signal' | 'attempt'>,
  ) => Promise<JobRow | undefined>
}
