import { randomUUID } from 'node:crypto'
import {
  deleteJobEvents,
  entryRefOf,
  FINISHED_ENTRY_RETENTION_SECONDS,
  isUnfinishedJob,
  jobItem,
  notFound,
  QUEUES,
  type Queues,
  queueItemsOfJob,
  removeQueueEntries,
} from '@dreamify/core'
import {
  childRepository,
  type Db,
  imageRepository,
  type JobRow,
  jobRepository,
  type OwnedScope,
  parentRepository,
  storyRepository,
} from '@dreamify/db'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import type { SessionService } from './sessions.ts'
import type { StoryService } from './story-service.ts'

/**
 * A worker holding an entry when its job is cancelled lets go a moment later (its provider call is
 * aborted, not its last Redis write): the erasure-sweep step takes the entry after `delay`, and
 * tries again with backoff (2 s doubling, jittered) while a worker still holds it, about four
 * minutes in all.
 */
const SWEEP_OPTIONS = { delay: 15_000, attempts: 8, removeOnComplete: true }

export interface ErasureDeps {
  db: Db
  redis: Redis
  queues: Queues
  prefix: string
  sessions: SessionService
  storyService: StoryService
  /** drops a job from the API's short-lived status cache (jobStatusCache.forget) */
  forgetJob: (jobId: string) => void
  logger: FastifyBaseLogger
}

/**
 * Deletes what a parent deletes, everywhere it is: an account (GDPR Art. 17, COPPA 16 CFR 312.6),
 * a child or a story. Their unfinished jobs are cancelled first, so no worker writes for them
 * afterwards; then one statement deletes the row and, by the foreign keys, every row below it; and
 * finally their queue entries and event streams (which hold chapter titles) leave Redis at once,
 * instead of lingering until they expire.
 */
export function createErasure({ db, redis, queues, prefix, sessions, storyService, forgetJob, logger }: ErasureDeps) {
  /**
   * Removes the jobs' event streams, their queue entries and their pictures' variants entries. What
   * a worker still holds is left to the erasure-sweep step, queued for when it has let go: any
   * worker runs it, so it happens even if this process stops meanwhile.
   */
  async function sweepRedis(jobs: JobRow[], cancelledJobIds: string[], originalKeys: string[]) {
    const entries = [
      ...jobs.flatMap((job) => queueItemsOfJob(job)),
      ...originalKeys.map((originalKey) => jobItem(QUEUES.imageVariants, { originalKey })),
    ].map(entryRefOf)
    const jobIds = jobs.map((job) => job.id)
    let streamsDeleted = true
    try {
      await deleteJobEvents(redis, prefix, jobIds)
    } catch (error) {
      streamsDeleted = false
      logger.warn({ err: error }, 'erased; its event streams are left to the erasure sweep')
    }
    const held = await removeQueueEntries(queues, entries)
    if (held.length === 0 && streamsDeleted) return
    // a cancelled job's worker may publish once more before it lets go of its entry
    const streamsLeft = streamsDeleted ? cancelledJobIds : jobIds
    const sweep = jobItem(QUEUES.erasureSweep, { erasureId: randomUUID(), entries: held, jobIds: streamsLeft })
    await queues[QUEUES.erasureSweep]
      .add(sweep.name, sweep.data, { ...sweep.opts, ...SWEEP_OPTIONS })
      .catch((error: unknown) =>
        logger.warn({ err: error }, 'could not queue the sweep of erased entries; they expire on their own'),
      )
  }

  /** Erases what `scope` names by `deleteRows` (false: there was nothing of the parent's to delete). */
  async function erase(scope: OwnedScope, deleteRows: () => Promise<boolean>): Promise<boolean> {
    const jobs = await jobRepository.listWithin(db, scope)
    const unfinished = jobs.filter((job) => isUnfinishedJob(job.status)).map((job) => job.id)
    for (const jobId of unfinished) await storyService.cancelJob(jobId)
    // After the cancellations: none of these pictures settles (and queues its variants) any more.
    const originalKeys = await imageRepository.originalKeysWithVariantsEntries(
      db,
      scope,
      FINISHED_ENTRY_RETENTION_SECONDS,
    )
    if (!(await deleteRows())) return false
    // the cancelled ones are forgotten already; the finished ones may still be cached
    for (const job of jobs) forgetJob(job.id)
    await sweepRedis(jobs, unfinished, originalKeys)
    return true
  }

  return {
    /** The whole account: its sessions end first, so its tokens are refused on every instance. */
    async account(parentId: string): Promise<void> {
      await sessions.forgetAll(parentId)
      await erase({ parentId }, () => parentRepository.delete(db, parentId))
    },

    /** A child with all their stories and pictures; 404 for another parent's. */
    async child(parentId: string, childId: string): Promise<void> {
      const erased = await erase({ parentId, childId }, () => childRepository.deleteOwned(db, parentId, childId))
      if (!erased) throw notFound('child')
    },

    /** A story with its chapters, pictures and narrations, cancelled first if running; 404 for another parent's. */
    async story(parentId: string, storyId: string): Promise<void> {
      const erased = await erase({ parentId, storyId }, () => storyRepository.deleteOwned(db, parentId, storyId))
      if (!erased) throw notFound('story')
    },
  }
}

export type Erasure = ReturnType<typeof createErasure>
