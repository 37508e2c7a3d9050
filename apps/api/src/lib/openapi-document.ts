import { fileURLToPath } from 'node:url'
import { loadConfig, type Queues } from '@dreamify/core'
import { createDatabase } from '@dreamify/db'
import { Redis } from 'ioredis'
import { buildApp } from '../app.ts'

/** Where the committed document lives (`./dreamify openapi` writes it, a test checks it is current). */
export const OPENAPI_DOCUMENT_PATH = fileURLToPath(new URL('../../../../docs/openapi.json', import.meta.url))

/** Nothing that builds the document may touch the queues: every use of one fails, naming it. */
function untouchableQueues(): Queues {
  return new Proxy({} as Queues, {
    get: (_target, name) => {
      throw new Error(`the OpenAPI document is built without queues, yet something used queues.${String(name)}`)
    },
  })
}

/** Keys in code-point order at every depth, so the file's diff shows only what changed in the API. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  )
}

/**
 * The API's OpenAPI document as the committed file holds it, built from the app itself without a
 * server: the pool and the Redis client are lazy and never asked anything, and the configuration is
 * fixed (not read from this machine's environment), so every machine renders the same text.
 */
export async function renderOpenApiDocument(): Promise<string> {
  const config = loadConfig({
    NODE_ENV: 'production',
    JWT_SECRET: 'only-the-openapi-document-is-built-with-this',
    LOG_LEVEL: 'silent',
  })
  const db = createDatabase({ url: config.database.url, poolSize: 1 })
  const redis = new Redis(config.redis.url, { lazyConnect: true, enableOfflineQueue: false })
  const app = await buildApp({ config, db, queues: untouchableQueues(), redis })
  try {
    await app.ready()
    const document = `${JSON.stringify(sortKeys(app.swagger()), null, 2)}\n`
    // 'wait' is a lazy client that was never asked anything: building the app must stay that way.
    if (redis.status !== 'wait')
      throw new Error('building the OpenAPI document connected to Redis; buildApp must open nothing')
    return document
  } finally {
    await app.close()
    redis.disconnect()
    await db.destroy()
  }
}
