import { UNFINISHED_JOB_STATUSES } from '@dreamify/core'
import { type RawBuilder, sql } from 'kysely'

/**
 * "The job is unfinished" in SQL, built from the one list of unfinished statuses. The statuses are
 * literals, not parameters, so the statement text stays the same (it is prepared once per
 * connection) and Postgres can match the partial indexes on unfinished jobs.
 */
export function unfinished(column = 'status'): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(column)} in (${sql.join(UNFINISHED_JOB_STATUSES.map((status) => sql.lit(status)))})`
}
