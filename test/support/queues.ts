import { closeQueues, createQueues, createRedis, type Queues } from '@dreamify/core'
import { deleteKeysUnder, killRunningChildren } from '@dreamify/testkit'
import type { Redis } from 'ioredis'
import { afterAll } from 'vitest'
import { TEST_REDIS_URL, testQueuePrefix } from './services.ts'

const created: Array<{ prefix: string; redis: Redis; queues: Queues }> = []

// One hook for the file, registered when it imports this module (as database.ts does): an afterAll
// registered inside a beforeAll or a test never runs, and most files make their queues there.
afterAll(async () => {
  // The file's API and worker processes go first: a worker still running writes its keys again.
  await killRunningChildren()
  for (const { prefix, redis, queues } of created.splice(0)) {
    await closeQueues(queues)
    await deleteKeys(prefix)
    redis.disconnect()
  }
})

/** A queue prefix of the test file's own; its keys are deleted after the file. */
export function createTestQueues() {
  const prefix = testQueuePrefix()
  const redis = createRedis(TEST_REDIS_URL, 'producer')
  const queues = createQueues(redis, prefix)
  created.push({ prefix, redis, queues })
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
