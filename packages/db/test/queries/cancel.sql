-- The SQL of the job transition "cancel", in the order it runs.
-- Generated from packages/db/src/job-lifecycle/ by packages/db/test/lifecycle-sql.test.ts; do not edit.
-- Rewrite: UPDATE_SQL_SNAPSHOTS=1 npx vitest run packages/db/test/lifecycle-sql.test.ts

-- cancel
update "jobs"
  set "status" = $1, "updated_at" = now(), "finished_at" = now()
  where "id" = $2
  and "status" in ('queued', 'running')
  returning *;
