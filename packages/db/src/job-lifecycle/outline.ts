import type { StoryOutline } from '@dreamify/core'
import { sql } from 'kysely'
import type { Db } from '../database.ts'
import { insertStoryDecisions, type StoryDecision } from '../moderation.ts'
import type { JobRow } from '../schema.ts'
import type { WrittenChapter } from './chapters.ts'
import { fanInTransition } from './fan-in.ts'
import { parallelPercent } from './percent.ts'
import { unfinished } from './unfinished.ts'

/**
 * An outlined story's plan is saved, once, with everything that follows from it, in one statement:
 * the outline (and its title and cast, unless the story has them: the story's cast is the outline's
 * without its first member, the hero), one chapter per planned chapter (titled,
 * not yet written, its picture pending, and its narration too when the story is narrated), the moderation decisions that let the plan through, and
 * the job moved from `planning` to `writing`. A second save of the same story changes nothing.
 */
export function recordOutlineQuery(
  db: Db,
  jobId: string,
  storyId: string,
  outline: StoryOutline,
  decisions: readonly StoryDecision[] = [],
) {
  const chapters = JSON.stringify(outline.chapters.map((chapter, i) => ({ number: i + 1, title: chapter.title })))
  return sql<JobRow & { planned_now: boolean }>`
    with decisions as (${insertStoryDecisions(db, storyId, decisions)}), story as (
      update stories set outline = ${JSON.stringify(outline)}::jsonb, title = coalesce(title, ${outline.title}::text),
        cast_members = case when cast_members = '[]'::jsonb then ${JSON.stringify(outline.cast.slice(1))}::jsonb else cast_members end
      where id = ${storyId} and outline is null and exists (select from jobs where id = ${jobId} and ${unfinished()})
      returning id,
        narration_voice is not null and exists (select from jobs where id = ${jobId} and narrations_total > 0) as narrated
    ), planned as (
      insert into chapters (story_id, number, title, content, written, audio_status)
      select story.id, c.number, c.title, '', false,
        case when story.narrated then 'pending'::audio_status else 'none'::audio_status end
      from story, jsonb_to_recordset(${chapters}::jsonb) as c(number integer, title text)
      on conflict (story_id, number) do nothing
    )
    update jobs
    set status = 'running', stage = case when stage = 'planning' then 'writing'::job_stage else stage end,
      percent = ${parallelPercent(sql`chapters_written + chapters_settled`, sql.ref('chapters_total'))}, updated_at = now()
    where id = ${jobId} and ${unfinished()}
    returning *, exists (select from story) as planned_now
  `
}

/**
 * Saves the outline (see recordOutlineQuery). Undefined when the job is finished or gone; otherwise
 * the job and whether this very call saved the plan (false: an earlier try did, and it stands).
 */
export async function recordOutline(
  db: Db,
  jobId: string,
  storyId: string,
  outline: StoryOutline,
  decisions: readonly StoryDecision[] = [],
): Promise<{ job: JobRow; plannedNow: boolean } | undefined> {
  const { rows } = await recordOutlineQuery(db, jobId, storyId, outline, decisions).execute(db)
  const row = rows[0]
  if (!row) return undefined
  const { planned_now, ...job } = row
  return { job, plannedNow: planned_now }
}

/**
 * One outlined chapter's text is saved, once, and counted on the job, in one statement: the
 * chapter becomes written only from unwritten, so a retried or duplicated step counts nothing;
 * the moderation decisions that let it through are written by the same statement.
 */
export function recordChapterTextQuery(
  db: Db,
  jobId: string,
  storyId: string,
  chapter: WrittenChapter,
  decisions: readonly StoryDecision[] = [],
) {
  return sql<JobRow>`
    with decisions as (${insertStoryDecisions(db, storyId, decisions)}), chapter as (
      update chapters set title = ${chapter.title}, content = ${chapter.content}, written = true, updated_at = now()
      where story_id = ${storyId} and number = ${chapter.number} and not written
        and exists (select from jobs where id = ${jobId} and ${unfinished()})
      returning number
    )
    update jobs
    set chapters_written = chapters_written + 1,
      stage = case when chapters_written + 1 >= chapters_total then 'illustrating'::job_stage else 'writing'::job_stage end,
      percent = ${parallelPercent(sql`chapters_written + 1 + chapters_settled`, sql.ref('chapters_total'))}, updated_at = now()
    where id = ${jobId} and ${unfinished()} and exists (select from chapter)
    returning *
  `
}

/**
 * Saves an outlined chapter's text (see recordChapterTextQuery). Completes the story when this was
 * the last thing it waited for (every chapter written, every picture settled and, when narrated,
 * every narration settled), through the one
 * complete path, and says so. Undefined when nothing was saved (written already, or the job is
 * finished or gone).
 */
export const recordChapterText = fanInTransition(recordChapterTextQuery)
