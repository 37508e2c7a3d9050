import {
  FINISHED_ENTRY_RETENTION_SECONDS,
  jobEventKeys,
  jobItem,
  QUEUES,
  type Queues,
  queueItemsOfJob,
  queueOf,
} from '@dreamify/core'
import { accountDataRepository, type Db, imageRepository, type JobRow, parentRepository } from '@dreamify/db'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import type { SessionService } from './sessions.ts'
import type { StoryService } from './story-service.ts'

/**
 * A worker that held one of the account's jobs when it was cancelled may still write an event or
 * finish its BullMQ job a moment later (its provider call is aborted, not its last Redis write):
 * the Redis sweep runs again after this long to take what it left.
 */
const SWEEP_AGAIN_MS = 15_000

export interface AccountDeletionDeps {
  db: Db
  redis: Redis
  queues: Queues
  prefix: string
  sessions: SessionService
  storyService: StoryService
  logger: FastifyBaseLogger
}

/**
 * Erases an account at once (GDPR Art. 17, COPPA 16 CFR 312.6): its sessions end first (its tokens
 * are refused on every instance), its unfinished jobs are cancelled so no worker writes for it
 * afterwards, then one statement deletes the parent and, by the foreign keys, every row about it,
 * and finally its queue entries and event streams leave Redis.
 */
export function createAccountDeletion({
  db,
  redis,
  queues,
  prefix,
  sessions,
  storyService,
  logger,
}: AccountDeletionDeps) {
  /**
   * Removes the jobs' queue entries and event streams, and the pictures' variants entries; true
   * when nothing was left behind (a locked entry stays).
   */
  async function sweepRedis(jobs: JobRow[], originalKeys: string[]): Promise<boolean> {
    for (const job of jobs) {
      const keys = jobEventKeys(prefix, job.id)
      await redis.del(keys.stream, keys.meta)
    }
    const items = [
      ...jobs.flatMap((job) => queueItemsOfJob(job)),
      ...originalKeys.map((originalKey) => jobItem(QUEUES.imageVariants, { originalKey })),
    ]
    let clean = true
    for (const item of items) {
      const queue = queueOf(queues, item)
      const id = item.opts.jobId
      // 0 for an entry a worker holds (locked) or that does not exist; the second sweep takes the former.
      const removed = await queue.remove(id).catch(() => 0)
      if (removed === 0 && (await queue.getJob(id).catch(() => undefined))) clean = false
    }
    return clean
  }

  return {
    async erase(parentId: string): Promise<void> {
      await sessions.forgetAll(parentId)
      const jobs = await accountDataRepository.jobs(db, parentId)
      for (const job of jobs)
        if (job.status === 'queued' || job.status === 'running') await storyService.cancelJob(job.id)
      // After the cancellations: no picture of the account settles (and queues its variants) any more.
      const originalKeys = await imageRepository.originalKeysWithVariantsEntries(
        db,
        parentId,
        FINISHED_ENTRY_RETENTION_SECONDS,
      )
      await parentRepository.delete(db, parentId)
      let clean = false
      try {
        clean = await sweepRedis(jobs, originalKeys)
      } catch (error) {
        logger.warn({ err: error }, 'account erased; its Redis entries are swept again shortly')
      }
      if (clean) return
      setTimeout(() => {
        sweepRedis(jobs, originalKeys).catch((error: unknown) =>
          logger.warn({ err: error }, 'could not sweep an erased account from Redis; its entries expire on their own'),
        )
      }, SWEEP_AGAIN_MS).unref()
    },
  }
}

export type AccountDeletion = ReturnType<typeof createAccountDeletion>
