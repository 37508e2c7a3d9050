-- The SQL of the job transition "chapter-narrated", in the order it runs.
-- Generated from packages/db/src/job-lifecycle/ by packages/db/test/lifecycle-sql.test.ts; do not edit.
-- Rewrite: UPDATE_SQL_SNAPSHOTS=1 npx vitest run packages/db/test/lifecycle-sql.test.ts

-- settleChapterAudio
with chapter as (
  update chapters
  set audio_status = $1::audio_status, audio_id = coalesce($2::uuid, audio_id), updated_at = now()
  where story_id = $3
  and number = $4
  and audio_status = 'pending'
  and exists (select from jobs
  where id = $5
  and "status" in ('queued', 'running'))
  returning story_id ), audio as (
  insert into chapter_audio (id, parent_id, story_id, content_type, bytes, byte_size)
  select $6::uuid, $7::uuid, story_id, $8::text, $9::bytea, $10::integer
  from chapter
  where $11::boolean )
  update jobs
  set narrations_settled = narrations_settled + 1, chapters_narrated = chapters_narrated + $12::integer, status = 'running', updated_at = now()
  where id = $13
  and "status" in ('queued', 'running')
  and exists (select from chapter)
  returning *;

-- then, when it was the last: the statement of complete.sql
