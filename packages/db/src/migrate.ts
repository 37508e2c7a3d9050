import { sql } from 'kysely'
import { type MigrationResultSet, Migrator, NO_MIGRATIONS } from 'kysely/migration'
import pg from 'pg'
import { createDatabase, type Db } from './database.ts'
import { migrations } from './migrations/index.ts'

function migrator(db: Db) {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } })
}

function check({ error, results }: MigrationResultSet): string[] {
  if (error) throw error
  return (results ?? []).map((r) => `${r.direction === 'Up' ? 'applied' : 'reverted'} ${r.migrationName}`)
}

// Kysely's Migrator holds a Postgres advisory lock while it runs, so several processes starting at once is safe.
export const migrateToLatest = async (db: Db) => check(await migrator(db).migrateToLatest())
export const migrateDown = async (db: Db) => check(await migrator(db).migrateDown())
export const migrateDownAll = async (db: Db) => check(await migrator(db).migrateTo(NO_MIGRATIONS))

/** Creates the database named in the URL when it does not exist yet (connecting to the `postgres` database). */
export async function ensureDatabase(url: string, options: { template?: string } = {}): Promise<'created' | 'exists'> {
  const target = new URL(url)
  const name = decodeURIComponent(target.pathname.slice(1))
  const admin = new URL(url)
  admin.pathname = '/postgres'
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 })
  await client.connect()
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name])
    if (rowCount) return 'exists'
    const template = options.template ? ` template ${pg.escapeIdentifier(options.template)}` : ''
    await client.query(`create database ${pg.escapeIdentifier(name)}${template}`)
    return 'created'
  } catch (error) {
    // Another process created it between our check and our create (Postgres says either).
    const code = (error as { code?: string }).code
    if (code === '42P04' || code === '23505') return 'exists'
    throw error
  } finally {
    await client.end()
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const target = new URL(url)
  const name = decodeURIComponent(target.pathname.slice(1))
  target.pathname = '/postgres'
  const client = new pg.Client({ connectionString: target.toString() })
  await client.connect()
  try {
    await client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`)
  } finally {
    await client.end()
  }
}

export async function migrateDatabase(url: string): Promise<string[]> {
  await ensureDatabase(url)
  const db = createDatabase({ url, poolSize: 1 })
  try {
    return await migrateToLatest(db)
  } finally {
    await db.destroy()
  }
}

export { sql }
