import { createDatabase, type Db, dropDatabase, ensureDatabase } from '@dreamify/db'
import { afterAll, inject } from 'vitest'
import { databaseUrl, testDatabaseName } from './services.ts'

/** A database of the test file's own, cloned from the migrated template, dropped after the file. */
export async function createTestDatabase(): Promise<{ url: string; db: Db }> {
  const url = databaseUrl(testDatabaseName('file'))
  await ensureDatabase(url, { template: inject('templateDatabase') })
  const db = createDatabase({ url, poolSize: 5 })
  afterAll(async () => {
    await db.destroy()
    await dropDatabase(url)
  })
  return { url, db }
}
