import {
  appendJobEvent,
  deleteJobEvents,
  type JobEventName,
  type Logger,
  stateEvent,
  withTimeout,
} from '@dreamify/core'
import { type JobRow, jobSnapshot } from '@dreamify/db'
import type { Redis } from 'ioredis'

/** How long one publish may take before the step gives up on it and moves on. */
const PUBLISH_TIMEOUT_MS = 1000

/**
 * What a job step tells clients watching its job (`GET /api/jobs/:id/events`). Publishing never
 * fails a step: with Redis away the event is dropped (logged at debug), and clients still have
 * polling and the API's own Postgres check for the final state.
 */
export interface JobEventPublisher {
  /**
   * Chapters' text was saved / a chapter's illustration was stored; then, when given, the job's
   * state as the same write left it. All are issued at once (one round trip on an auto-pipelined
   * connection) and land in that order.
   */
  chapters(
    jobId: string,
    event: 'chapter_written' | 'chapter_illustrated' | 'chapter_narrated',
    chapters: ReadonlyArray<{ number: number; title: string }>,
    job?: JobRow,
  ): Promise<void>
  /** the job's current state: `stage` while it runs, else its final event (the row a step's update returned; nothing when undefined) */
  state(job: JobRow | undefined): Promise<void>
  /** deletes the event streams of erased jobs (the erasure sweep); unlike publishing, it throws when Redis fails */
  erase(jobIds: readonly string[]): Promise<void>
}

export interface JobEventPublisherDeps {
  /** a connection that fails fast while Redis is away (not BullMQ's, which queues commands) */
  redis: Redis
  prefix: string
  logger: Logger
}

export function createJobEventPublisher({ redis, prefix, logger }: JobEventPublisherDeps): JobEventPublisher {
  async function publish(jobId: string, event: JobEventName, data: unknown) {
    try {
      await withTimeout(appendJobEvent(redis, prefix, jobId, event, data), PUBLISH_TIMEOUT_MS, 'publishing timed out')
    } catch (error) {
      logger.debug({ err: error, jobId, event }, 'could not publish a job event')
    }
  }

  const publishState = (job: JobRow) => publish(job.id, stateEvent(job.status), jobSnapshot(job))

  return {
    async chapters(jobId, event, chapters, job) {
      await Promise.all([
        ...chapters.map(({ number, title }) => publish(jobId, event, { number, title })),
        job && publishState(job),
      ])
    },
    async state(job) {
      if (job) await publishState(job)
    },
    erase: (jobIds) => deleteJobEvents(redis, prefix, jobIds),
  }
}

/** For workers built without a publisher (tools, tests): events go nowhere. */
export const silentJobEvents: JobEventPublisher = {
  chapters: async () => {},
  state: async () => {},
  erase: async () => {},
}
