-- The SQL of the job transition "outline-saved", in the order it runs.
-- Generated from packages/db/src/job-lifecycle/ by packages/db/test/lifecycle-sql.test.ts; do not edit.
-- Rewrite: UPDATE_SQL_SNAPSHOTS=1 npx vitest run packages/db/test/lifecycle-sql.test.ts

-- recordOutline
with decisions as (insert into "moderation_decisions" ("parent_id", "story_id", "job_id", "stage", "target", "moderator", "decision", "categories")
  select s.parent_id, s.id, d.job_id, d.stage, d.target, d.moderator, d.decision, d.categories
  from stories s, jsonb_to_recordset($1::jsonb) as d(job_id text, stage text, target text, moderator text, decision text, categories jsonb)
  where s.id = $2 ), story as (
  update stories
  set outline = $3::jsonb, title = coalesce(title, $4::text), cast_members = case when cast_members = '[]'::jsonb then $5::jsonb else cast_members end
  where id = $6
  and outline is null
  and exists (select from jobs
  where id = $7
  and "status" in ('queued', 'running'))
  returning id, narration_voice is not null
  and exists (select from jobs
  where id = $8
  and narrations_total > 0) as narrated ), planned as (
  insert into chapters (story_id, number, title, content, written, audio_status)
  select story.id, c.number, c.title, '', false, case when story.narrated then 'pending'::audio_status else 'none'::audio_status end
  from story, jsonb_to_recordset($9::jsonb) as c(number integer, title text)
  on conflict (story_id, number) do nothing )
  update jobs
  set status = 'running', stage = case when stage = 'planning' then 'writing'::job_stage else stage end, percent = greatest(percent, least(95, round(5 + 90 * (chapters_written + chapters_settled)::numeric / (2 * ("chapters_total"))))::integer), updated_at = now()
  where id = $10
  and "status" in ('queued', 'running')
  returning *, exists (select from story) as planned_now;
