import { createDatabase, type Db, dropDatabase, ensureDatabase } from '@dreamify/db'
import { killRunningChildren } from '@dreamify/testkit'
import { afterAll, inject } from 'vitest'
import { databaseUrl, testDatabaseName } from './services.ts'

const created: Array<{ url: string; db: Db }> = []

// One hook for the file, registered when it imports this module. Most files make their database in
// a beforeAll or a test, and an afterAll registered there never runs: each such database stayed
// until a later run's global setup dropped it as old.
afterAll(async () => {
  // The file's API and worker processes go first: they hold connections and may still write.
  await killRunningChildren()
  for (const { url, db } of created.splice(0)) {
    await db.destroy().catch(() => undefined) // a test may have destroyed it already
    await dropDatabase(url)
  }
})

/** A database of the test file's own, cloned from the migrated template, dropped after the file. */
export async function createTestDatabase(): Promise<{ url: string; db: Db }> {
  const url = databaseUrl(testDatabaseName('file'))
  await ensureDatabase(url, { template: inject('templateDatabase') })
  const db = createDatabase({ url, poolSize: 5 })
  created.push({ url, db })
  return { url, db }
}
