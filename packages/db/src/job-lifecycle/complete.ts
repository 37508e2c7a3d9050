import { sql } from 'kysely'
import type { Db, Tx } from '../database.ts'
import type { JobRow } from '../schema.ts'
import { PERCENT } from './percent.ts'
import { unfinished } from './unfinished.ts'

/**
 * The one way a job completes, whatever its kind: a story once every chapter is written and settled
 * (the fan-in of texts, pictures and narrations: its last settle or, for an outlined story, possibly
 * its last text; or a resumed start that finds them all done), an avatar or a redraw
 * once its picture is in place. A story's completion is stamped on the story too, in the same
 * statement.
 */
export function completeQuery(db: Db | Tx, jobId: string) {
  return db
    .with('job', (db) =>
      db
        .updateTable('jobs')
        .set({
          status: 'completed',
          stage: 'done',
          percent: PERCENT.completed,
          error_code: null,
          error_message: null,
          updated_at: sql`now()`,
          finished_at: sql`now()`,
        })
        .where('id', '=', jobId)
        .where(unfinished())
        .where((eb) =>
          eb.or([
            eb('kind', '<>', 'story'),
            eb.and([
              eb('chapters_settled', '>=', eb.ref('chapters_total')),
              eb('chapters_written', '>=', eb.ref('chapters_total')),
              eb('narrations_settled', '>=', eb.ref('narrations_total')),
            ]),
          ]),
        )
        .returningAll(),
    )
    .with('story', (db) =>
      db
        .updateTable('stories')
        .set({ completed_at: sql`now()` })
        .from('job')
        .whereRef('stories.id', '=', 'job.story_id')
        .where('job.kind', '=', 'story'),
    )
    .selectFrom('job')
    .selectAll()
}

/**
 * Completes the job; undefined when it is finished already, gone, or a story with a chapter still
 * unsettled. A returned row means this very call completed it.
 */
export function complete(db: Db | Tx, jobId: string): Promise<JobRow | undefined> {
  return completeQuery(db, jobId).executeTakeFirst()
}
