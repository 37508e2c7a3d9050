import type { Db } from './database.ts'

/** The reads behind the API's job event streams (apps/api's job-events-hub plugin). */
export const jobStreamRepository = {
  /** The rows of the jobs whose streams are open, to notice in Postgres the ones that finished or were deleted. */
  findMany(db: Db, jobIds: readonly string[]) {
    if (jobIds.length === 0) return Promise.resolve([])
    return db
      .selectFrom('jobs')
      .selectAll()
      .where('id', 'in', [...jobIds])
      .execute()
  },
}
