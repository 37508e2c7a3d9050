-- The SQL of the job transition "chapter-settled", in the order it runs.
-- Generated from packages/db/src/job-lifecycle/ by packages/db/test/lifecycle-sql.test.ts; do not edit.
-- Rewrite: UPDATE_SQL_SNAPSHOTS=1 npx vitest run packages/db/test/lifecycle-sql.test.ts

-- settleChapter
with chapter as (
  update chapters
  set image_status = $1::image_status, image_id = coalesce($2::uuid, image_id), updated_at = now()
  where story_id = $3
  and number = $4
  and image_status = 'pending'
  and exists (select from jobs
  where id = $5
  and "status" in ('queued', 'running'))
  returning story_id ), image as (
  insert into images (id, parent_id, child_id, story_id, content_type, bytes, byte_size)
  select $6::uuid, $7::uuid, $8::uuid, story_id, $9::text, $10::bytea, $11::integer
  from chapter
  where $12::boolean )
  update jobs
  set chapters_settled = chapters_settled + 1, chapters_illustrated = chapters_illustrated + $13::integer, status = 'running', percent = greatest(percent, least(95, round(40 + 55 * (chapters_settled + 1)::numeric / ("chapters_total")))::integer), updated_at = now()
  where id = $14
  and "status" in ('queued', 'running')
  and exists (select from chapter)
  returning *;

-- then, when it was the last: the statement of complete.sql
