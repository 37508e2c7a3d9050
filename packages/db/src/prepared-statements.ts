import { createHash } from 'node:crypto'
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely'
import pg from 'pg'

// Names by statement text. Our statements are a fixed set (the code's queries), so this stays small.
const statementNames = new Map<string, string>()

function statementName(text: string): string {
  let name = statementNames.get(text)
  if (!name) {
    name = `dreamify_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`
    statementNames.set(text, name)
  }
  return name
}

/** A statement prepared before a migration changed the columns it returns cannot run again on that connection. */
function isStalePreparedStatement(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string }
  return code === '0A000' && /cached plan must not change result type/.test(message ?? '')
}

/**
 * Kysely's view of a pg pool whose connections prepare each parameterised statement once (a named
 * statement, per connection), so Postgres parses and plans each of our queries once instead of on
 * every call: in the pipeline benchmark that was about 40 % of Postgres' CPU. A connection whose
 * prepared statements went stale (a migration changed a table they return) fails that query once
 * and is then destroyed instead of returned to the pool, so the next one prepares afresh.
 */
export function preparingPool(pool: pg.Pool): PostgresPool {
  return {
    Client: pg.Client,
    options: pool.options,
    end: () => pool.end(),
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect()
      let stale = false
      function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>
      function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>
      function query(statement: string | PostgresCursor<unknown>, parameters?: ReadonlyArray<unknown>): unknown {
        if (typeof statement !== 'string') return client.query(statement as unknown as pg.Submittable)
        if (!parameters || parameters.length === 0) return client.query(statement)
        return client
          .query({ name: statementName(statement), text: statement, values: [...parameters] })
          .catch((error: unknown) => {
            stale ||= isStalePreparedStatement(error)
            throw error
          })
      }
      return {
        get processID() {
          return (client as pg.PoolClient & { processID?: number }).processID
        },
        query,
        release: (destroy?: boolean) => client.release(destroy || stale),
      }
    },
  }
}
