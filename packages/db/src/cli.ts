// ./dreamify migrate [up|down|down-all]: creates the database if missing and moves its schema.
import { loadConfigOrExit } from '@dreamify/core'
import { createDatabase } from './database.ts'
import { ensureDatabase, migrateDown, migrateDownAll, migrateToLatest } from './migrate.ts'
import { checkServices } from './reachability.ts'

const direction = process.argv[2] ?? 'up'
const config = loadConfigOrExit()
try {
  await checkServices({ postgres: config.database.url })
} catch (error) {
  console.error((error as Error).message)
  process.exit(1)
}
await ensureDatabase(config.database.url)
const db = createDatabase({ url: config.database.url, poolSize: 1 })
try {
  const steps = direction === 'down' ? migrateDown : direction === 'down-all' ? migrateDownAll : migrateToLatest
  const done = await steps(db)
  console.log(done.length ? done.join('\n') : 'database is up to date')
} finally {
  await db.destroy()
}
