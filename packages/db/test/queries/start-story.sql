-- The SQL of the job transition "start-story", in the order it runs.
-- Generated from packages/db/src/job-lifecycle/ by packages/db/test/lifecycle-sql.test.ts; do not edit.
-- Rewrite: UPDATE_SQL_SNAPSHOTS=1 npx vitest run packages/db/test/lifecycle-sql.test.ts

-- startStory
with saved as (
  select (count(*) filter (where written))::integer as count, coalesce(array_agg(number
  order by number) filter (where image_status = 'pending'), '{}') as pending, coalesce(array_agg(number
  order by number) filter (where audio_status = 'pending'
  and written), '{}') as audio_pending, coalesce(array_agg(number
  order by number) filter (where not written), '{}') as unwritten
  from chapters
  where story_id = (select story_id
  from jobs
  where id = $1) )
  update jobs
  set status = 'running', attempts = attempts + 1, updated_at = now(), percent = greatest(percent, 2), stage = case when saved.count >= jobs.chapters_total then 'illustrating'::job_stage when $2::boolean
  and stories.outline is null
  and saved.count = 0 then 'planning'::job_stage else 'writing'::job_stage end
  from saved, stories, children
  where jobs.id = $3
  and "jobs"."status" in ('queued', 'running')
  and stories.id = jobs.story_id
  and children.id = stories.child_id
  returning jobs.*, saved.count as chapters_saved, saved.pending as chapters_pending, saved.audio_pending, saved.unwritten as chapters_unwritten, stories.narration_voice, stories.topic, stories.story_genre, stories.language, stories.outline, json_build_object('name', children."name", 'age_range', children."age_range", 'sex', children."sex", 'eye_color', children."eye_color", 'hair_type', children."hair_type", 'hair_color', children."hair_color", 'ethnicity', children."ethnicity", 'fav_animals', children."fav_animals", 'fav_activities', children."fav_activities", 'fav_shows', children."fav_shows") as child;
