import type { JobKind } from '@dreamify/core'
import type { Db, Tx } from './database.ts'
import { unfinished } from './job-lifecycle/unfinished.ts'
import { findOwnedRow, type OwnedScope } from './owned-rows.ts'

/** Reads and creation of jobs; every change of a job's status lives in job-lifecycle/. */
export const jobRepository = {
  create(
    db: Db | Tx,
    job: {
      id: string
      parent_id: string
      kind: JobKind
      story_id?: string
      child_id?: string
      chapter_number?: number
      chapters_total?: number
      chapters_illustrated?: number
      chapters_settled?: number
    },
  ) {
    return db.insertInto('jobs').values(job).returningAll().executeTakeFirstOrThrow()
  },

  find(db: Db | Tx, jobId: string) {
    return db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirst()
  },

  findOwned(db: Db, parentId: string, jobId: string) {
    return findOwnedRow(db, 'jobs', parentId, jobId)
  },

  /**
   * The jobs of an account, a child (its avatars' and its stories') or a story (its own and its
   * redos'), oldest first: what goes when they are erased.
   */
  listWithin(db: Db | Tx, scope: OwnedScope) {
    let query = db.selectFrom('jobs').selectAll().where('parent_id', '=', scope.parentId)
    if ('storyId' in scope) query = query.where('story_id', '=', scope.storyId)
    if ('childId' in scope) {
      const { childId } = scope
      query = query.where((eb) =>
        eb.or([
          eb('child_id', '=', childId),
          eb('story_id', 'in', eb.selectFrom('stories').select('id').where('child_id', '=', childId)),
        ]),
      )
    }
    return query.orderBy('created_at').execute()
  },

  async countStoriesInFlight(db: Db | Tx, parentId: string): Promise<number> {
    const row = await db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('parent_id', '=', parentId)
      .where('kind', '=', 'story')
      .where(unfinished())
      .executeTakeFirstOrThrow()
    return Number(row.count)
  },
}
