import { appendJobEvent, FINISHED_JOB_STATUSES, jobEventKeys, stateEvent } from '@dreamify/core'
import { type Db, type JobRow, jobSnapshot, jobStreamRepository } from '@dreamify/db'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import type { Watch } from './multiplexer.ts'

/** a job finished this long ago whose stream has no final event will not get one from its worker */
const FINAL_GRACE_MS = 10_000

export const isFinished = (job: Pick<JobRow, 'status'>) => FINISHED_JOB_STATUSES.includes(job.status)

export interface FinalEventDeps {
  db: Db
  redis: Redis
  prefix: string
  logger: FastifyBaseLogger
  /** the jobs being streamed (the multiplexer's) */
  watches: ReadonlyMap<string, Watch>
  /** how often the streamed jobs' statuses are checked in Postgres */
  watchMs: number
}

/**
 * Final events that Redis never carried. No worker publishes a cancellation, and a worker's
 * publish can be lost while Redis is away: the watched jobs are checked in Postgres every few
 * seconds, and one that finished without a final event in its stream gets one, published here so
 * that every listener (on every API process) sees one id.
 */
export function createFinalEvents({ db, redis, prefix, logger, watches, watchMs }: FinalEventDeps) {
  let checker: NodeJS.Timeout | undefined
  let checking = false

  const publishState = (job: JobRow) => appendJobEvent(redis, prefix, job.id, stateEvent(job.status), jobSnapshot(job))
  const storedFinalId = async (jobId: string) =>
    Number((await redis.hget(jobEventKeys(prefix, jobId).meta, 'final')) ?? 0)

  /** The id of a finished job's final event, published now if its worker will not (0 when there is none). */
  async function finalEventId(job: JobRow): Promise<number> {
    try {
      const id = await storedFinalId(job.id)
      if (id > 0) return id
      // No worker publishes a cancellation; a completion or failure long past will not be published any more.
      const late = job.finished_at !== null && Date.now() - job.finished_at.getTime() > FINAL_GRACE_MS
      if (job.status === 'cancelled' || late) {
        await publishState(job)
        return storedFinalId(job.id)
      }
    } catch (error) {
      logger.debug({ err: error, jobId: job.id }, 'could not look up the final job event')
    }
    return 0
  }

  async function check() {
    if (checking || watches.size === 0) return
    checking = true
    try {
      const rows = await jobStreamRepository.findMany(db, [...watches.keys()])
      const byId = new Map(rows.map((row) => [row.id, row]))
      for (const [jobId, watch] of watches) {
        const job = byId.get(jobId)
        if (!job) {
          for (const listener of [...watch.listeners]) listener.gone()
          continue
        }
        if (!isFinished(job)) continue
        if (job.status !== 'cancelled' && !watch.finishedSeen) {
          watch.finishedSeen = true
          continue
        }
        try {
          // A no-op when the stream has its final event already; the reader delivers whichever it holds.
          await publishState(job)
        } catch {
          for (const listener of [...watch.listeners])
            listener.fallback({ event: stateEvent(job.status), data: jobSnapshot(job) })
        }
      }
    } catch (error) {
      logger.debug({ err: error }, 'could not check the streamed jobs in Postgres')
    } finally {
      checking = false
    }
  }

  return {
    finalEventId,
    /** Checks in Postgres every watchMs while any job is watched. */
    watch(watching: boolean) {
      if (watching) checker ??= setInterval(() => void check(), watchMs).unref()
      else if (checker) {
        clearInterval(checker)
        checker = undefined
      }
    },
  }
}
