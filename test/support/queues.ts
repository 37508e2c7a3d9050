import { closeQueues, createQueues, createRedis } from '@dreamify/core'
import { deleteKeysAt } from '@dreamify/testkit'
import { atFileEnd } from './file-end.ts'
import { TEST_REDIS_URL, testQueuePrefix } from './services.ts'

/** A queue prefix of the test file's own, for the processes it starts; its keys are deleted after the file. */
export function createTestPrefix(): string {
  const prefix = testQueuePrefix()
  atFileEnd(() => deleteKeys(prefix))
  return prefix
}

/** A queue prefix of the test file's own with the queues on it, for a test that adds jobs itself. */
export function createTestQueues() {
  const prefix = createTestPrefix()
  const redis = createRedis(TEST_REDIS_URL, 'producer')
  const queues = createQueues(redis, prefix)
  // Registered after the prefix's, so it runs first: the queues are closed before their keys go.
  atFileEnd(async () => {
    await closeQueues(queues)
    redis.disconnect()
  })
  return { prefix, redis, queues }
}

export const deleteKeys = (prefix: string, url = TEST_REDIS_URL) => deleteKeysAt(url, prefix)
