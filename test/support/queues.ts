import { closeQueues, createQueues, createRedis } from '@dreamify/core'
import { deleteKeysUnder } from '@dreamify/testkit'
import { atFileEnd } from './file-end.ts'
import { TEST_REDIS_URL, testQueuePrefix } from './services.ts'

/** A queue prefix of the test file's own; its keys are deleted after the file. */
export function createTestQueues() {
  const prefix = testQueuePrefix()
  const redis = createRedis(TEST_REDIS_URL, 'producer')
  const queues = createQueues(redis, prefix)
  atFileEnd(async () => {
    await closeQueues(queues)
    await deleteKeys(prefix)
    redis.disconnect()
  })
  return { prefix, redis, queues }
}

export async function deleteKeys(prefix: string, url = TEST_REDIS_URL) {
  // A one-off connection: it may queue commands until it is connected.
  const redis = createRedis(url, 'producer', { enableOfflineQueue: true })
  try {
    await deleteKeysUnder(redis, prefix)
  } finally {
    redis.disconnect()
  }
}
