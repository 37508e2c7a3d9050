import type { StoryGenre, StoryOutline } from '@dreamify/core'
import { sql } from 'kysely'
import type { Db } from '../database.ts'
import type { JobRow } from '../schema.ts'
import { type ChildProfile, childProfile } from '../step-context.ts'
import { PERCENT, raisedPercent } from './percent.ts'
import { unfinished } from './unfinished.ts'

type StartedStoryRow = JobRow & {
  chapters_saved: number
  chapters_pending: number[]
  audio_pending: number[]
  narration_voice: string | null
  chapters_unwritten: number[]
  outline: StoryOutline | null
  topic: string
  story_genre: StoryGenre
  language: string
  child: ChildProfile
}

/**
 * A story's text step starts, or resumes after a crash, a retry or a reconciler's drive: the job
 * runs, counts the attempt, and is at the stage its saved chapters say (illustrating once every
 * chapter's text is saved, `planning` while an outlined story has no outline yet). Returns, in the
 * same statement, what the step works from: the story (with its outline, once planned), the
 * child's profile and what earlier tries saved.
 */
export function startStoryQuery(jobId: string, planning = false) {
  return sql<StartedStoryRow>`
    with saved as (
      select (count(*) filter (where written))::integer as count,
        coalesce(array_agg(number order by number) filter (where image_status = 'pending'), '{}') as pending,
        coalesce(array_agg(number order by number) filter (where audio_status = 'pending' and written), '{}') as audio_pending,
        coalesce(array_agg(number order by number) filter (where not written), '{}') as unwritten
      from chapters where story_id = (select story_id from jobs where id = ${jobId})
    )
    update jobs
    set status = 'running', attempts = attempts + 1, updated_at = now(), percent = ${raisedPercent(PERCENT.started)},
      stage = case when saved.count >= jobs.chapters_total then 'illustrating'::job_stage
        when ${planning}::boolean and stories.outline is null and saved.count = 0 then 'planning'::job_stage
        else 'writing'::job_stage end
    from saved, stories, children
    where jobs.id = ${jobId} and ${unfinished('jobs.status')} and stories.id = jobs.story_id and children.id = stories.child_id
    returning jobs.*, saved.count as chapters_saved, saved.pending as chapters_pending, saved.audio_pending,
      saved.unwritten as chapters_unwritten, stories.narration_voice, stories.topic, stories.story_genre,
      stories.language, stories.outline, ${childProfile} as child
  `
}

/**
 * Starts or resumes a story's text step (see startStoryQuery); `planning` when the story is to be
 * outlined first. Undefined when the job is finished or gone.
 */
export async function startStory(db: Db, jobId: string, planning = false) {
  const { rows } = await startStoryQuery(jobId, planning).execute(db)
  const row = rows[0]
  if (!row) return undefined
  const {
    chapters_saved,
    chapters_pending,
    audio_pending,
    chapters_unwritten,
    narration_voice,
    topic,
    story_genre,
    language,
    outline,
    child,
    ...job
  } = row
  return {
    job,
    story: {
      id: job.story_id!,
      topic,
      story_genre,
      language,
      chapters_total: job.chapters_total,
      outline,
      narrated: job.narrations_total > 0 && narration_voice !== null,
    },
    child,
    saved: {
      count: chapters_saved,
      pending: chapters_pending,
      unwritten: chapters_unwritten,
      audioPending: audio_pending,
    },
  }
}

export type StartedStory = NonNullable<Awaited<ReturnType<typeof startStory>>>

/**
 * A one-file job (an avatar, a chapter drawn again, a chapter narrated again) starts or is
 * retried: it runs, at the illustrating stage (the stage of a story's fan-out).
 */
export function startDrawingQuery(db: Db, jobId: string) {
  return db
    .updateTable('jobs')
    .set((eb) => ({
      status: 'running',
      stage: 'illustrating',
      percent: raisedPercent(PERCENT.drawing),
      attempts: eb('attempts', '+', 1),
      updated_at: sql<Date>`now()`,
    }))
    .where('id', '=', jobId)
    .where(unfinished())
    .returningAll()
}

/** Undefined when the job is finished or gone, which tells the step to stop. */
export function startDrawing(db: Db, jobId: string): Promise<JobRow | undefined> {
  return startDrawingQuery(db, jobId).executeTakeFirst()
}
