-- The SQL of the job transition "chapters-written", in the order it runs.
-- Generated from packages/db/src/job-lifecycle/ by packages/db/test/lifecycle-sql.test.ts; do not edit.
-- Rewrite: UPDATE_SQL_SNAPSHOTS=1 npx vitest run packages/db/test/lifecycle-sql.test.ts

-- three chapters at once
with "inserted" as (insert into "chapters" ("story_id", "number", "title", "content")
  values ($1, $2, $3, $4), ($5, $6, $7, $8), ($9, $10, $11, $12)
  on conflict ("story_id", "number") do nothing
  returning "number")
  update "jobs"
  set "status" = $13, "stage" = case when $14::integer < chapters_total then 'writing'::job_stage else 'illustrating'::job_stage end, "percent" = greatest(percent, least(95, round(5 + 35 * ($15::integer)::numeric / ("chapters_total")))::integer), "updated_at" = now()
  where "id" = $16
  and "status" in ('queued', 'running')
  returning *, (select coalesce(array_agg(number
  order by number), '{}')
  from inserted) as "inserted";
