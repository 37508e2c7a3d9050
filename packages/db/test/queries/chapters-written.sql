-- The SQL of the job transition "chapters-written", in the order it runs.
-- Generated from packages/db/src/job-lifecycle/ by packages/db/test/lifecycle-sql.test.ts; do not edit.
-- Rewrite: UPDATE_SQL_SNAPSHOTS=1 npx vitest run packages/db/test/lifecycle-sql.test.ts

-- three chapters at once
with "decisions" as (insert into "moderation_decisions" ("parent_id", "story_id", "job_id", "stage", "target", "moderator", "decision", "categories")
  select s.parent_id, s.id, d.job_id, d.stage, d.target, d.moderator, d.decision, d.categories
  from stories s, jsonb_to_recordset($1::jsonb) as d(job_id text, stage text, target text, moderator text, decision text, categories jsonb)
  where s.id = $2
  ), "inserted" as (insert into "chapters" ("story_id", "number", "title", "content", "audio_status")
  values ($3, $4, $5, $6, $7), ($8, $9, $10, $11, $12), ($13, $14, $15, $16, $17)
  on conflict ("story_id", "number") do nothing
  returning "number")
  update "jobs"
  set "status" = $18, "chapters_written" = greatest(chapters_written, $19::integer), "stage" = case when $20::integer < chapters_total then 'writing'::job_stage else 'illustrating'::job_stage end, "percent" = greatest(percent, least(95, round(5 + 35 * ($21::integer)::numeric / ("chapters_total")))::integer), "updated_at" = now()
  where "id" = $22
  and "status" in ('queued', 'running')
  returning *, (select coalesce(array_agg(number
  order by number), '{}')
  from inserted) as "inserted";
