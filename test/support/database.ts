import { randomBytes } from 'node:crypto'
import { afterAll, inject } from 'vitest'
import { createDatabase, dropDatabase, ensureDatabase, type Db } from '@dreamify/db'
import { databaseUrl } from './services.ts'

/** A database of the test file's own, cloned from the migrated template, dropped after the file. */
export async function createTestDatabase(): Promise<{ url: string; db: Db }> {
  const url = databaseUrl(`dreamify_test_${randomBytes(6).toString('hex')}`)
  await ensureDatabase(url, { template: inject('templateDatabase') })
  const db = createDatabase({ url, poolSize: 5 })
  afterAll(async () => {
    await db.destroy()
    await dropDatabase(url)
  })
  return { url, db }
}
