-- The SQL of the job transition "chapter-text-saved", in the order it runs.
-- Generated from packages/db/src/job-lifecycle/ by packages/db/test/lifecycle-sql.test.ts; do not edit.
-- Rewrite: UPDATE_SQL_SNAPSHOTS=1 npx vitest run packages/db/test/lifecycle-sql.test.ts

-- recordChapterText
with decisions as (insert into "moderation_decisions" ("parent_id", "story_id", "job_id", "stage", "target", "moderator", "decision", "categories")
  select s.parent_id, s.id, d.job_id, d.stage, d.target, d.moderator, d.decision, d.categories
  from stories s, jsonb_to_recordset($1::jsonb) as d(job_id text, stage text, target text, moderator text, decision text, categories jsonb)
  where s.id = $2 ), chapter as (
  update chapters
  set title = $3, content = $4, written = true, updated_at = now()
  where story_id = $5
  and number = $6
  and not written
  and exists (select from jobs
  where id = $7
  and "status" in ('queued', 'running'))
  returning number )
  update jobs
  set chapters_written = chapters_written + 1, stage = case when chapters_written + 1 >= chapters_total then 'illustrating'::job_stage else 'writing'::job_stage end, percent = greatest(percent, least(95, round(5 + 90 * (chapters_written + 1 + chapters_settled)::numeric / (2 * ("chapters_total"))))::integer), updated_at = now()
  where id = $8
  and "status" in ('queued', 'running')
  and exists (select from chapter)
  returning *;

-- then, when it was the last: the statement of complete.sql
