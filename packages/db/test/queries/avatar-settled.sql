-- The SQL of the job transition "avatar-settled", in the order it runs.
-- Generated from packages/db/src/job-lifecycle/ by packages/db/test/lifecycle-sql.test.ts; do not edit.
-- Rewrite: UPDATE_SQL_SNAPSHOTS=1 npx vitest run packages/db/test/lifecycle-sql.test.ts

-- a retry looks for a kept picture
select "id"
  from "images"
  where "job_id" = $1;

-- a drawn picture is kept
insert into "images" ("parent_id", "child_id", "content_type", "byte_size", "job_id")
  values ($1, $2, $3, $4, $5)
  on conflict ("job_id") do nothing
  returning "id";

-- its media objects are its own
update media_objects
  set image_id = $1::uuid, settled_at = now()
  where key = any($2::text[])
  and image_id is null;

-- lockChild
select "avatar_image_id"
  from "children"
  where "id" = $1
  for no key update;

-- complete: the statement of complete.sql

-- setAvatar
update "children"
  set "avatar_image_id" = $1
  where "id" = $2;

-- the checks that let it through
insert into "moderation_decisions" ("parent_id", "story_id", "job_id", "stage", "target", "moderator", "decision", "categories")
  select j.parent_id, null, j.id, d.stage, d.target, d.moderator, d.decision, d.categories
  from jobs j, jsonb_to_recordset($1::jsonb) as d(stage text, target text, moderator text, decision text, categories jsonb)
  where j.id = $2;

-- deletePrevious
delete from "images"
  where "id" = $1;
