import { sql } from 'kysely'
import type { Db } from './database.ts'

/** The cheapest round trip to Postgres, for readiness checks (API and worker). */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db)
}
