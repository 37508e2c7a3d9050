import { createRedis } from '@dreamify/core'
import { checkServices, dropDatabase, migrateDatabase } from '@dreamify/db'
import { closePidRegistry, openPidRegistry } from '@dreamify/testkit'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { databaseUrl, madeByTests, TEST_POSTGRES_URL, TEST_REDIS_URL, testDatabaseName, testRunId } from './services.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string
  }
}

// Test databases and queue prefixes carry their creation time in their name, so a run only ever
// deletes another run's leftovers when they are old enough that no run on this machine still uses them.
const LEFTOVER_AGE_MS = 2 * 3600 * 1000

/**
 * Once per run: check the services, delete what earlier runs left behind, and migrate a template
 * database of this run's own, which each test file clones. At the end, the run fails when a
 * process it started (an API, a worker, a spare Redis or Postgres) is still running, or when a
 * database or queue prefix it made is still there (both are removed first).
 */
export default async function setup(project: TestProject) {
  await checkServices({ postgres: TEST_POSTGRES_URL, redis: TEST_REDIS_URL })
  for (const { name, createdAt } of await testDatabases())
    if (Date.now() - createdAt > LEFTOVER_AGE_MS) await dropDatabase(databaseUrl(name)).catch(() => undefined)
  await deleteQueuePrefixes(({ createdAt }) => Date.now() - createdAt > LEFTOVER_AGE_MS)

  process.env.DREAMIFY_TEST_RUN = Math.random().toString(36).slice(2, 10)
  const template = testDatabaseName('template')
  await migrateDatabase(databaseUrl(template))
  project.provide('templateDatabase', template)
  // Test files run in forks that inherit this variable, so what they start is recorded here.
  const registry = openPidRegistry()
  return async () => {
    await dropDatabase(databaseUrl(template)).catch(() => undefined)
    const ours = ({ run }: { run: string }) => run === testRunId()
    const databases = (await testDatabases()).filter(ours).map(({ name }) => name)
    for (const name of databases) await dropDatabase(databaseUrl(name)).catch(() => undefined)
    const prefixes = await deleteQueuePrefixes(ours)
    await closePidRegistry(registry)
    if (databases.length + prefixes.length > 0)
      throw new Error(
        `the tests left ${databases.length} database(s) and ${prefixes.length} queue prefix(es) behind (now deleted): ${[...databases, ...prefixes].join(', ')}`,
      )
  }
}

async function testDatabases() {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 5000 })
  await client.connect()
  try {
    const { rows } = await client.query<{ datname: string }>(
      "select datname from pg_database where datname like 'dreamify\\_test\\_%'",
    )
    return rows.flatMap(({ datname }) => {
      const made = madeByTests(datname)
      return made ? [{ name: datname, ...made }] : []
    })
  } finally {
    await client.end()
  }
}

/** Deletes the keys of the test queue prefixes `which` picks; resolves to those prefixes. */
async function deleteQueuePrefixes(which: (made: { createdAt: number; run: string }) => boolean) {
  const redis = createRedis(TEST_REDIS_URL, 'producer', { enableOfflineQueue: true })
  try {
    // One pass over the test keys, deleting the picked ones as it goes (rather than a pass per prefix).
    const picked = new Set<string>()
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'dreamify-test-t*', 'COUNT', 1000)
      cursor = next
      const doomed = keys.filter((key) => {
        const made = madeByTests(key)
        return made !== undefined && which(made)
      })
      for (const key of doomed) picked.add(key.split(':')[0]!)
      if (doomed.length > 0) await redis.unlink(...doomed)
    } while (cursor !== '0')
    return [...picked]
  } finally {
    redis.disconnect()
  }
}
