import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { explainUnreachable } from '@dreamify/core'
import { dropDatabase, migrateDatabase } from '@dreamify/db'
import { databaseUrl, pingRedis, TEST_POSTGRES_URL, TEST_REDIS_URL } from './services.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string
  }
}

/**
 * Once per run: check the services, drop what earlier runs left behind (databases nobody is
 * connected to), and migrate a template database of this run's own, which each test file clones.
 */
export default async function setup(project: TestProject) {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
  } catch (error) {
    throw new Error(explainUnreachable('postgres', TEST_POSTGRES_URL, error))
  }
  try {
    await pingRedis()
  } catch (error) {
    await client.end()
    throw new Error(explainUnreachable('redis', TEST_REDIS_URL, error))
  }
  const { rows } = await client.query<{ datname: string }>(
    `select datname from pg_database d where datname like 'dreamify_test%'
       and not exists (select 1 from pg_stat_activity a where a.datname = d.datname)`,
  )
  await client.end()
  for (const { datname } of rows) await dropDatabase(databaseUrl(datname)).catch(() => undefined)

  const template = `dreamify_test_template_${randomBytes(4).toString('hex')}`
  await migrateDatabase(databaseUrl(template))
  project.provide('templateDatabase', template)
  return async () => {
    await dropDatabase(databaseUrl(template)).catch(() => undefined)
  }
}
