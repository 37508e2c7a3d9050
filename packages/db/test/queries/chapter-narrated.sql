-- The SQL of the job transition "chapter-narrated", in the order it runs.
-- Generated from packages/db/src/job-lifecycle/ by packages/db/test/lifecycle-sql.test.ts; do not edit.
-- Rewrite: UPDATE_SQL_SNAPSHOTS=1 npx vitest run packages/db/test/lifecycle-sql.test.ts

-- settleChapterAudio
with chapter as (
  update chapters
  set audio_status = $1::audio_status, audio_key = coalesce($2::text, audio_key), updated_at = now()
  where story_id = $3
  and number = $4
  and audio_status = 'pending'
  and exists (select from jobs
  where id = $5
  and "status" in ('queued', 'running'))
  returning story_id ), media as (
  update media_objects
  set settled_at = now()
  from chapter
  where key = $6::text )
  update jobs
  set narrations_settled = narrations_settled + 1, chapters_narrated = chapters_narrated + $7::integer, status = 'running', updated_at = now()
  where id = $8
  and "status" in ('queued', 'running')
  and exists (select from chapter)
  returning *;

-- then, when it was the last: the statement of complete.sql
