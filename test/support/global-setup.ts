import pg from 'pg'
import { explainUnreachable } from '@dreamify/core'
import { dropDatabase, migrateDatabase } from '@dreamify/db'
import { databaseUrl, pingRedis, TEMPLATE_DATABASE, TEST_POSTGRES_URL, TEST_REDIS_URL } from './services.ts'

/** Once per run: check the services, drop what earlier runs left, and migrate a fresh template database. */
export default async function setup(): Promise<void> {
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
  const { rows } = await client.query<{ datname: string }>("select datname from pg_database where datname like 'dreamify_test%'")
  await client.end()
  for (const { datname } of rows) await dropDatabase(databaseUrl(datname))
  await migrateDatabase(databaseUrl(TEMPLATE_DATABASE))
}
