import { randomBytes } from 'node:crypto'
import { closeQueues, createQueues, createRedis } from '@dreamify/core'
import { deleteKeysUnder } from '@dreamify/testkit'
import { afterAll } from 'vitest'
import { TEST_REDIS_URL } from './services.ts'

/** A queue prefix of the test file's own; its keys are deleted after the file. */
export function createTestQueues() {
  const prefix = `dreamify-test-${randomBytes(5).toString('hex')}`
  const redis = createRedis(TEST_REDIS_URL, 'producer')
  const queues = createQueues(redis, prefix)
  afterAll(async () => {
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
