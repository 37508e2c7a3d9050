-- The SQL of the job transition "reconciler", in the order it runs.
-- Generated from packages/db/src/job-lifecycle/ by packages/db/test/lifecycle-sql.test.ts; do not edit.
-- Rewrite: UPDATE_SQL_SNAPSHOTS=1 npx vitest run packages/db/test/lifecycle-sql.test.ts

-- listStale
select *
  from "jobs"
  where "status" in ('queued', 'running')
  and "updated_at" < $1
  order by "updated_at" asc
  limit $2;

-- touch
update "jobs"
  set "updated_at" = now()
  where "id" = $1
  and "status" in ('queued', 'running');
