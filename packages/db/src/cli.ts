// ./dreamify migrate [up|down|down-all]: creates the database if missing and moves its schema.
import { explainUnreachable, loadConfigOrExit } from '@dreamify/core'
import { createDatabase } from './database.ts'
import { ensureDatabase, migrateDown, migrateDownAll, migrateToLatest } from './migrate.ts'

const direction = process.argv[2] ?? 'up'
const config = loadConfigOrExit()
try {
  await ensureDatabase(config.database.url)
} catch (error) {
  console.error(explainUnreachable('postgres', config.database.url, error))
  process.exit(1)
}
const db = createDatabase({ url: config.database.url, poolSize: 1 })
try {
  const steps = direction === 'down' ? migrateDown : direction === 'down-all' ? migrateDownAll : migrateToLatest
  const done = await steps(db)
  console.log(done.length ? done.join('\n') : 'database is up to date')
} finally {
  await db.destroy()
}
