import { Queue, type JobsOptions } from 'bullmq'
import { Redis, type RedisOptions } from 'ioredis'
import { QUEUES, type PayloadOf, type QueueName } from './jobs.ts'

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

// Retries with exponential backoff (BullMQ adds jitter); the step functions are idempotent.
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 24 * 3600 },
}

export type Queues = { [N in QueueName]: Queue<PayloadOf[N]> }

export function createQueues(connection: Redis, prefix: string): Queues {
  const make = <N extends QueueName>(name: N) =>
    new Queue<PayloadOf[N]>(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS }) as Queues[N]
  return {
    [QUEUES.storyText]: make(QUEUES.storyText),
    [QUEUES.chapterImage]: make(QUEUES.chapterImage),
    [QUEUES.avatar]: make(QUEUES.avatar),
  } as Queues
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((queue) => queue.close()))
}
