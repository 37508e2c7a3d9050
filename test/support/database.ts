import { createDatabase, type Db, dropDatabase, ensureDatabase } from '@dreamify/db'
import { inject } from 'vitest'
import { atFileEnd } from './file-end.ts'
import { databaseUrl, testDatabaseName } from './services.ts'

/** A database of the test file's own, cloned from the migrated template, dropped after the file. */
export async function createTestDatabase(): Promise<{ url: string; db: Db }> {
  const url = databaseUrl(testDatabaseName('file'))
  await ensureDatabase(url, { template: inject('templateDatabase') })
  const db = createDatabase({ url, poolSize: 5 })
  atFileEnd(async () => {
    await db.destroy().catch(() => undefined) // a test may have destroyed it already
    await dropDatabase(url)
  })
  return { url, db }
}
