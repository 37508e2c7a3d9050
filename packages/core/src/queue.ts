import { type JobsOptions, Queue } from 'bullmq'
import { Redis, type RedisOptions } from 'ioredis'
import { type JobItem, type PayloadOf, QUEUES, type QueueEntryRef, type QueueName } from './jobs.ts'

/**
 * A Redis connection. Producers (the API) fail fast while Redis is away instead of queueing
 * commands in memory; workers (`blocking`) wait for it, as BullMQ requires.
 */
export function createRedis(url: string, role: 'producer' | 'worker', extra: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    connectTimeout: 5000,
    // Keep trying to reconnect, at most every 2 s, so both sides recover by themselves.
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    ...extra,
  })
  // Connection errors are reported by health checks and failed commands; an unhandled 'error'
  // event would crash the process.
  redis.on('error', () => {})
  return redis
}

/** The longest a finished queue entry stays in Redis (a failed one); a completed one goes sooner. */
export const FINISHED_ENTRY_RETENTION_SECONDS = 24 * 3600

// Retries with exponential backoff (BullMQ adds jitter); the step functions are idempotent.
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: FINISHED_ENTRY_RETENTION_SECONDS },
}

export type Queues = { [N in QueueName]: Queue<PayloadOf[N], unknown, N> }

/** One BullMQ queue per queue of the catalogue. */
export function createQueues(connection: Redis, prefix: string): Queues {
  return Object.fromEntries(
    Object.values(QUEUES).map((name) => [
      name,
      new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS }),
    ]),
  ) as Queues
}

/** The queue a job item belongs to. */
export const queueOf = (queues: Queues, item: JobItem): Queue => queues[item.name] as Queue

/**
 * Adds jobs again under their deterministic ids. A finished (completed or failed) copy under the
 * same id would make the add a no-op, so it is dropped first; a waiting, delayed or running copy is
 * kept, and adding over it changes nothing. For driving work again that Postgres says is unfinished.
 */
export async function addAgain(queues: Queues, items: readonly JobItem[]): Promise<void> {
  await Promise.all(
    items.map(async (item) => {
      const queue = queueOf(queues, item)
      const state = await queue.getJobState(item.opts.jobId)
      if (state === 'completed' || state === 'failed') await queue.remove(item.opts.jobId)
    }),
  )
  for (const name of new Set(items.map((item) => item.name)))
    await (queues[name] as Queue).addBulk(items.filter((item) => item.name === name))
}

/** A job item's entry, by its queue and id. */
export const entryRefOf = (item: JobItem): QueueEntryRef => ({ queue: item.name, id: item.opts.jobId })

/**
 * Removes queue entries, and resolves to those a worker still holds: BullMQ does not remove a
 * locked entry, so it is for a later sweep, once the worker has let go (as is one Redis failed to
 * remove). One already gone counts as removed. The removals are issued together (one connection
 * pipelines them).
 */
export async function removeQueueEntries(queues: Queues, entries: readonly QueueEntryRef[]): Promise<QueueEntryRef[]> {
  const held = await Promise.all(
    entries.map(async ({ queue: name, id }) => {
      const queue = queues[name] as Queue
      try {
        return (await queue.remove(id)) === 0 && (await queue.getJob(id)) !== undefined
      } catch {
        return true // Redis did not answer for this one: a later sweep tries it again
      }
    }),
  )
  return entries.filter((_, index) => held[index])
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((queue) => queue.close()))
}
