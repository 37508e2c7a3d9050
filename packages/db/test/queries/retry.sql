-- The SQL of the job transition "retry", in the order it runs.
-- Generated from packages/db/src/job-lifecycle/ by packages/db/test/lifecycle-sql.test.ts; do not edit.
-- Rewrite: UPDATE_SQL_SNAPSHOTS=1 npx vitest run packages/db/test/lifecycle-sql.test.ts

-- retryStory
with current as (
  select stories.id
  from stories
  join jobs on jobs.id = stories.job_id
  where stories.id = $1
  and stories.parent_id = $2
  and jobs.status in ('failed', 'cancelled')
  for update of stories ), reset as (
  update chapters
  set image_status = case when image_status = 'failed' then 'pending'::image_status else image_status end, audio_status = case when audio_status = 'failed' then 'pending'::audio_status else audio_status end, updated_at = now()
  where story_id = (select id
  from current)
  and (image_status = 'failed'
  or audio_status = 'failed') ), drawn as (
  select count(*) filter (where image_status = 'ready')::integer as count, count(*) filter (where audio_status = 'ready')::integer as narrated, count(*) filter (where written)::integer as written
  from chapters
  where story_id = (select id
  from current) ), job as (
  insert into jobs (id, parent_id, kind, story_id, chapters_total, chapters_illustrated, chapters_settled, chapters_written, narrations_total, chapters_narrated, narrations_settled)
  select $3::text, $4::uuid, 'story', current.id, $5::integer, drawn.count, drawn.count, drawn.written, case when stories.narration_voice is null then 0 else $6::integer end, drawn.narrated, drawn.narrated
  from current, drawn, stories
  where stories.id = current.id
  returning * ), story as (
  update stories
  set job_id = job.id, completed_at = null
  from job
  where stories.id = job.story_id )
  select *
  from job;
