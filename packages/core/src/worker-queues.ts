import { QUEUES, type QueueName } from './jobs.ts'

/**
 * WORKER_QUEUES, read: the queues a worker process runs, every queue when none are listed (a
 * process that only makes image variants lists `image-variants`). An unknown name is a problem.
 */
export function queuesOf(names: readonly string[], problems: string[]): QueueName[] {
  const known: readonly string[] = Object.values(QUEUES)
  const unknown = names.filter((name) => !known.includes(name))
  if (unknown.length > 0)
    problems.push(
      `WORKER_QUEUES: must list queues among ${known.join(', ')} (got ${JSON.stringify(unknown.join(','))})`,
    )
  return names.length > 0 ? (names as QueueName[]) : Object.values(QUEUES)
}
