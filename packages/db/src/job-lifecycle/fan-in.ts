import type { RawBuilder } from 'kysely'
import type { Db } from '../database.ts'
import { jobRepository } from '../jobs.ts'
import type { JobRow } from '../schema.ts'
import { complete } from './complete.ts'

/**
 * The fan-in: a story is done once every chapter's text is written (streamed in order, or one
 * chapter-text job each for an outlined story), every chapter's picture is settled and, when it is
 * narrated, every chapter's narration too. Whichever of those transitions comes last completes the
 * story; completeQuery checks the same in SQL.
 */
export const fanInDone = (
  job: Pick<
    JobRow,
    'chapters_written' | 'chapters_settled' | 'chapters_total' | 'narrations_settled' | 'narrations_total'
  >,
) =>
  job.chapters_written >= job.chapters_total &&
  job.chapters_settled >= job.chapters_total &&
  job.narrations_settled >= job.narrations_total

/** What a fan-in transition did: the job as it now is, and whether this very call completed the story. */
export interface Settled {
  job: JobRow
  completedNow: boolean
}

/**
 * After one fan-in transition (a text saved, a picture or a narration settled) moved the job to
 * `moved`: the call whose transition was the last the story waited for completes it, through the
 * one complete path, and says so (`completedNow`); exactly one call can, so a finished story is
 * counted once. Undefined when the transition moved nothing.
 */
async function completeWhenFannedIn(db: Db, jobId: string, moved: JobRow | undefined): Promise<Settled | undefined> {
  if (!moved) return undefined
  if (!fanInDone(moved)) return { job: moved, completedNow: false }
  const completed = await complete(db, jobId)
  // Not completed here: a cancellation landed between the two statements.
  if (!completed) return { job: (await jobRepository.find(db, jobId)) ?? moved, completedNow: false }
  return { job: completed, completedNow: true }
}

/**
 * A fan-in transition from its one statement (which moves the job and returns it, or nothing):
 * runs the statement, then completes the story when it was the last thing the story waited for
 * (see completeWhenFannedIn). It takes the statement's own arguments.
 */
export function fanInTransition<Args extends unknown[]>(
  statement: (db: Db, jobId: string, ...args: Args) => RawBuilder<JobRow>,
) {
  return async (db: Db, jobId: string, ...args: Args): Promise<Settled | undefined> => {
    const { rows } = await statement(db, jobId, ...args).execute(db)
    return completeWhenFannedIn(db, jobId, rows[0])
  }
}
