-- The SQL of the job transition "narration-redone", in the order it runs.
-- Generated from packages/db/src/job-lifecycle/ by packages/db/test/lifecycle-sql.test.ts; do not edit.
-- Rewrite: UPDATE_SQL_SNAPSHOTS=1 npx vitest run packages/db/test/lifecycle-sql.test.ts

-- lockJob
select *
  from "jobs"
  where "id" = $1
  for update;

-- lockChapter
select "audio_key"
  from "chapters"
  where "story_id" = $1
  and "number" = $2
  for update;

-- attachAudio
with media as (
  update media_objects
  set settled_at = now()
  where key = $1::text )
  update chapters
  set audio_key = $2::text, audio_status = 'ready', audio_error_code = null, updated_at = now()
  where story_id = $3
  and number = $4;

-- deletePrevious
delete from "media_objects"
  where "key" = $1;

-- complete: the statement of complete.sql
