-- The SQL of the job transition "chapter-settled", in the order it runs.
-- Generated from packages/db/src/job-lifecycle/ by packages/db/test/lifecycle-sql.test.ts; do not edit.
-- Rewrite: UPDATE_SQL_SNAPSHOTS=1 npx vitest run packages/db/test/lifecycle-sql.test.ts

-- settleChapter
with decisions as (insert into "moderation_decisions" ("parent_id", "story_id", "job_id", "stage", "target", "moderator", "decision", "categories")
  select s.parent_id, s.id, d.job_id, d.stage, d.target, d.moderator, d.decision, d.categories
  from stories s, jsonb_to_recordset($1::jsonb) as d(job_id text, stage text, target text, moderator text, decision text, categories jsonb)
  where s.id = $2 ), chapter as (
  update chapters
  set image_status = $3::image_status, image_id = coalesce($4::uuid, image_id), updated_at = now()
  where story_id = $5
  and number = $6
  and image_status = 'pending'
  and exists (select from jobs
  where id = $7
  and "status" in ('queued', 'running'))
  returning story_id ), image as (
  insert into images (id, parent_id, child_id, story_id, content_type, byte_size)
  select $8::uuid, $9::uuid, $10::uuid, story_id, $11::text, $12::integer
  from chapter
  where $13::boolean
  returning id ), media as (
  update media_objects
  set image_id = image.id, settled_at = now()
  from image
  where key = any($14::text[]) )
  update jobs
  set chapters_settled = chapters_settled + 1, chapters_illustrated = chapters_illustrated + $15::integer, status = 'running', updated_at = now(), percent = case when chapters_written < chapters_total
  and exists (select from stories
  where stories.id = $16
  and stories.outline is not null) then greatest(percent, least(95, round(5 + 90 * (chapters_written + chapters_settled + 1)::numeric / (2 * ("chapters_total"))))::integer) else greatest(percent, least(95, round(40 + 55 * (chapters_settled + 1)::numeric / ("chapters_total")))::integer) end
  where id = $17
  and "status" in ('queued', 'running')
  and exists (select from chapter)
  returning *;

-- then, when it was the last: the statement of complete.sql
