import { checkServices, dropDatabase, migrateDatabase } from '@dreamify/db'
import { closePidRegistry, openPidRegistry } from '@dreamify/testkit'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { databaseUrl, TEST_POSTGRES_URL, TEST_REDIS_URL, testDatabaseName } from './services.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string
  }
}

// Test databases carry their creation time in their name, so a run only ever drops leftovers
// old enough that no other run on this machine can still be using them.
const LEFTOVER_AGE_MS = 2 * 3600 * 1000

/**
 * Once per run: check the services, drop what earlier runs left behind, and migrate a template
 * database of this run's own, which each test file clones. At the end, the run fails when a
 * process it started (an API, a worker, a spare Redis or Postgres) is still running.
 */
export default async function setup(project: TestProject) {
  await checkServices({ postgres: TEST_POSTGRES_URL, redis: TEST_REDIS_URL })
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 5000 })
  await client.connect()
  const { rows } = await client.query<{ datname: string }>(
    "select datname from pg_database where datname like 'dreamify_test%'",
  )
  await client.end()
  for (const { datname } of rows) {
    const createdAt = Number(/_t(\d+)_/.exec(datname)?.[1] ?? 0)
    if (Date.now() - createdAt > LEFTOVER_AGE_MS) await dropDatabase(databaseUrl(datname)).catch(() => undefined)
  }

  const template = testDatabaseName('template')
  await migrateDatabase(databaseUrl(template))
  project.provide('templateDatabase', template)
  // Test files run in forks that inherit this variable, so what they start is recorded here.
  const registry = openPidRegistry()
  return async () => {
    await dropDatabase(databaseUrl(template)).catch(() => undefined)
    await closePidRegistry(registry)
  }
}
