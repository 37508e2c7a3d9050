-- The SQL of the job transition "start-drawing", in the order it runs.
-- Generated from packages/db/src/job-lifecycle/ by packages/db/test/lifecycle-sql.test.ts; do not edit.
-- Rewrite: UPDATE_SQL_SNAPSHOTS=1 npx vitest run packages/db/test/lifecycle-sql.test.ts

-- startDrawing
update "jobs"
  set "status" = $1, "stage" = $2, "percent" = greatest(percent, 10), "attempts" = "attempts" + $3, "updated_at" = now()
  where "id" = $4
  and "status" in ('queued', 'running')
  returning *;
