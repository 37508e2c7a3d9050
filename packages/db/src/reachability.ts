import { explainUnreachable, pingRedis } from '@dreamify/core'
import pg from 'pg'

/** Connects to the server's `postgres` database (every server has one; the app's may not exist yet). */
async function pingPostgres(url: string): Promise<void> {
  const admin = new URL(url)
  admin.pathname = '/postgres'
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
  } finally {
    await client.end().catch(() => undefined)
  }
}

/**
 * The one check before anything starts (`start`, `migrate`, the bench, the test suite): are the
 * Postgres server and Redis there? If not, throws an error saying which one, where, and how to start it.
 */
export async function checkServices({ postgres, redis }: { postgres: string; redis?: string }): Promise<void> {
  try {
    await pingPostgres(postgres)
  } catch (error) {
    throw new Error(explainUnreachable('postgres', postgres, error))
  }
  if (redis === undefined) return
  try {
    await pingRedis(redis)
  } catch (error) {
    throw new Error(explainUnreachable('redis', redis, error))
  }
}
