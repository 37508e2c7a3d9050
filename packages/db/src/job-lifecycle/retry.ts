import { sql } from 'kysely'
import type { Tx } from '../database.ts'
import type { JobRow } from '../schema.ts'

/** A story whose job ended in one of these can be started again. */
export const RETRYABLE_JOB_STATUSES = ['failed', 'cancelled'] as const

export interface StoryRetry {
  story_id: string
  parent_id: string
  /** the new job's id */
  job_id: string
  chapters_total: number
}

/**
 * Starts a failed or cancelled story again under a new job, in one statement. Saved chapters and
 * drawn images are kept: the new job counts the drawn (and narrated) chapters as settled, and
 * chapters whose drawing or narration failed get another chance (pending again). The story's row is locked while its current
 * job is checked, so of two retries at once only the first gets a job.
 */
export function retryStoryQuery(retry: StoryRetry) {
  const retryable = sql.join(RETRYABLE_JOB_STATUSES.map((status) => sql.lit(status)))
  return sql<JobRow>`
    with current as (
      select stories.id from stories join jobs on jobs.id = stories.job_id
      where stories.id = ${retry.story_id} and stories.parent_id = ${retry.parent_id} and jobs.status in (${retryable})
      for update of stories
    ), reset as (
      update chapters
      set image_status = case when image_status = 'failed' then 'pending'::image_status else image_status end,
        audio_status = case when audio_status = 'failed' then 'pending'::audio_status else audio_status end,
        updated_at = now()
      where story_id = (select id from current) and (image_status = 'failed' or audio_status = 'failed')
    ), drawn as (
      select count(*) filter (where image_status = 'ready')::integer as count,
        count(*) filter (where audio_status = 'ready')::integer as narrated,
        count(*) filter (where written)::integer as written
      from chapters where story_id = (select id from current)
    ), job as (
      insert into jobs (id, parent_id, kind, story_id, chapters_total, chapters_illustrated, chapters_settled,
        chapters_written, narrations_total, chapters_narrated, narrations_settled)
      select ${retry.job_id}::text, ${retry.parent_id}::uuid, 'story', current.id, ${retry.chapters_total}::integer, drawn.count, drawn.count,
        drawn.written, case when stories.narration_voice is null then 0 else ${retry.chapters_total}::integer end, drawn.narrated, drawn.narrated
      from current, drawn, stories where stories.id = current.id
      returning *
    ), story as (
      update stories set job_id = job.id, completed_at = null from job where stories.id = job.story_id
    )
    select * from job
  `
}

/**
 * Takes a transaction, so the caller can check its limits under the same lock. Undefined when the
 * story is not the parent's, or its job is not failed or cancelled (any more).
 */
export async function retryStory(tx: Tx, retry: StoryRetry): Promise<JobRow | undefined> {
  const { rows } = await retryStoryQuery(retry).execute(tx)
  return rows[0]
}
