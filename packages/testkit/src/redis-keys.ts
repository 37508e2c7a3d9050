import { createRedis } from '@dreamify/core'

/** The two commands deleteKeysUnder needs, so that any ioredis client will do. */
export interface KeyDeleter {
  scan(
    cursor: string,
    matchToken: 'MATCH',
    pattern: string,
    countToken: 'COUNT',
    count: number,
  ): Promise<[cursor: string, keys: string[]]>
  unlink(...keys: string[]): Promise<number>
}

/** Deletes every key under a queue prefix (`<prefix>:*`), by SCAN so Redis is never blocked. */
export async function deleteKeysUnder(redis: KeyDeleter, prefix: string): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
    if (keys.length) await redis.unlink(...keys)
    cursor = next
  } while (cursor !== '0')
}

/** Deletes every key under a queue prefix on the Redis at `url`, over a connection of its own. */
export async function deleteKeysAt(url: string, prefix: string): Promise<void> {
  // A one-off connection: it may queue commands until it is connected.
  const redis = createRedis(url, 'producer', { enableOfflineQueue: true })
  try {
    await deleteKeysUnder(redis, prefix)
  } finally {
    redis.disconnect()
  }
}
