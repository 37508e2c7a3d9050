import { Kysely, PostgresDialect, type Transaction } from 'kysely'
import pg from 'pg'
import { preparingPool } from './prepared-statements.ts'
import type { Database } from './schema.ts'

export type Db = Kysely<Database>
export type Tx = Transaction<Database>

export interface DatabaseOptions {
  url: string
  poolSize: number
  /** how long a query may wait for a free connection before failing (so a dead Postgres answers 503, not a hang) */
  connectionTimeoutMs?: number
}

export function createDatabase({ url, poolSize, connectionTimeoutMs = 5000 }: DatabaseOptions): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: connectionTimeoutMs,
    idleTimeoutMillis: 30_000,
    // A statement that runs this long is a bug or an outage; fail it instead of holding a connection.
    statement_timeout: 30_000,
  })
  // A client losing its connection (Postgres restarted) must not crash the process: idle clients
  // report it to the pool, which replaces them; a checked-out client reports it on itself, and the
  // query it was running fails (and is retried) on its own.
  pool.on('error', () => {})
  pool.on('connect', (client) => client.on('error', () => {}))
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) })
}

/** True when the error means Postgres could not be reached or went away, as opposed to a bad query. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const err = error as { code?: string; message?: string } | undefined
  if (!err) return false
  if (
    typeof err.code === 'string' &&
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|57P0[1-3]|08\d{3}|53300)$/.test(err.code)
  )
    return true
  return /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error|connection is closed/i.test(
    err.message ?? '',
  )
}
