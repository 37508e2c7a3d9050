-- The SQL of the job transition "narration-redone", in the order it runs.
-- Generated from packages/db/src/job-lifecycle/ by packages/db/test/lifecycle-sql.test.ts; do not edit.
-- Rewrite: UPDATE_SQL_SNAPSHOTS=1 npx vitest run packages/db/test/lifecycle-sql.test.ts

-- lockJob
select *
  from "jobs"
  where "id" = $1
  for update;

-- lockChapter
select "audio_id"
  from "chapters"
  where "story_id" = $1
  and "number" = $2
  for update;

-- attachAudio
with audio as (
  insert into chapter_audio (parent_id, story_id, content_type, bytes, byte_size)
  values ($1::uuid, $2::uuid, $3::text, $4::bytea, $5::integer)
  returning id )
  update chapters
  set audio_id = audio.id, audio_status = 'ready', audio_error_code = null, updated_at = now()
  from audio
  where story_id = $6
  and number = $7;

-- deletePrevious
delete from "chapter_audio"
  where "id" = $1;

-- complete: the statement of complete.sql
