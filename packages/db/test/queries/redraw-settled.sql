-- The SQL of the job transition "redraw-settled", in the order it runs.
-- Generated from packages/db/src/job-lifecycle/ by packages/db/test/lifecycle-sql.test.ts; do not edit.
-- Rewrite: UPDATE_SQL_SNAPSHOTS=1 npx vitest run packages/db/test/lifecycle-sql.test.ts

-- lockJob
select *
  from "jobs"
  where "id" = $1
  for update;

-- lockChapter
select "image_id"
  from "chapters"
  where "story_id" = $1
  and "number" = $2
  for update;

-- attachImage
with image as (
  insert into images (parent_id, child_id, story_id, content_type, byte_size)
  values ($1::uuid, $2::uuid, $3::uuid, $4::text, $5::integer)
  returning id ), media as (
  update media_objects
  set image_id = image.id, settled_at = now()
  from image
  where key = any($6::text[]) )
  update chapters
  set image_id = image.id, image_status = 'ready', updated_at = now()
  from image
  where story_id = $7
  and number = $8;

-- deletePrevious
delete from "images"
  where "id" = $1;

-- complete: the statement of complete.sql
