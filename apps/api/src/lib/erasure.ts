import {
  FINISHED_ENTRY_RETENTION_SECONDS,
  isUnfinishedJob,
  jobEventKeys,
  jobItem,
  notFound,
  QUEUES,
  type Queues,
  queueItemsOfJob,
  queueOf,
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
 * A worker that held one of the erased jobs when it was cancelled may still write an event or
 * finish its BullMQ job a moment later (its provider call is aborted, not its last Redis write):
 * the Redis sweep runs again after this long to take what it left.
 */
const SWEEP_AGAIN_MS = 15_000

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
   * Removes the jobs' queue entries and event streams, and the pictures' variants entries; true
   * when nothing was left behind (a locked entry stays).
   */
  async function sweepRedis(jobs: JobRow[], originalKeys: string[]): Promise<boolean> {
    // One DEL for every stream, and the removals issued together (one connection pipelines them).
    const eventKeys = jobs.flatMap((job) => Object.values(jobEventKeys(prefix, job.id)))
    if (eventKeys.length > 0) await redis.del(...eventKeys)
    const items = [
      ...jobs.flatMap((job) => queueItemsOfJob(job)),
      ...originalKeys.map((originalKey) => jobItem(QUEUES.imageVariants, { originalKey })),
    ]
    const removedAll = await Promise.all(
      items.map(async (item) => {
        const queue = queueOf(queues, item)
        const id = item.opts.jobId
        // 0 for an entry a worker holds (locked) or that does not exist; the second sweep takes the former.
        const removed = await queue.remove(id).catch(() => 0)
        return removed !== 0 || !(await queue.getJob(id).catch(() => undefined))
      }),
    )
    return removedAll.every(Boolean)
  }

  async function sweepTwiceIfNeeded(jobs: JobRow[], originalKeys: string[]) {
    let clean = false
    try {
      clean = await sweepRedis(jobs, originalKeys)
    } catch (error) {
      logger.warn({ err: error }, 'erased; the Redis entries are swept again shortly')
    }
    if (clean) return
    setTimeout(() => {
      sweepRedis(jobs, originalKeys).catch((error: unknown) =>
        logger.warn({ err: error }, 'could not sweep erased entries from Redis; they expire on their own'),
      )
    }, SWEEP_AGAIN_MS).unref()
  }

  /** Erases what `scope` names by `deleteRows` (false: there was nothing of the parent's to delete). */
  async function erase(scope: OwnedScope, deleteRows: () => Promise<boolean>): Promise<boolean> {
    const jobs = await jobRepository.listWithin(db, scope)
    for (const job of jobs) if (isUnfinishedJob(job.status)) await storyService.cancelJob(job.id)
    // After the cancellations: none of these pictures settles (and queues its variants) any more.
    const originalKeys = await imageRepository.originalKeysWithVariantsEntries(
      db,
      scope,
      FINISHED_ENTRY_RETENTION_SECONDS,
    )
    if (!(await deleteRows())) return false
    // the cancelled ones are forgotten already; the finished ones may still be cached
    for (const job of jobs) forgetJob(job.id)
    await sweepTwiceIfNeeded(jobs, originalKeys)
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
