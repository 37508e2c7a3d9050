-- The SQL of the job transition "complete", in the order it runs.
-- Generated from packages/db/src/job-lifecycle/ by packages/db/test/lifecycle-sql.test.ts; do not edit.
-- Rewrite: UPDATE_SQL_SNAPSHOTS=1 npx vitest run packages/db/test/lifecycle-sql.test.ts

-- complete
with "job" as (update "jobs"
  set "status" = $1, "stage" = $2, "percent" = $3, "error_code" = $4, "error_message" = $5, "updated_at" = now(), "finished_at" = now()
  where "id" = $6
  and "status" in ('queued', 'running')
  and ("kind" <> $7
  or ("chapters_settled" >= "chapters_total"
  and "chapters_written" >= "chapters_total"
  and "narrations_settled" >= "narrations_total"))
  returning *), "story" as (update "stories"
  set "completed_at" = now()
  from "job"
  where "stories"."id" = "job"."story_id"
  and "job"."kind" = $8)
  select *
  from "job";
