import { type Kysely, sql } from 'kysely'

// Frozen in time (see the initial migration). The story job counts the chapters whose drawing is
// settled (drawn, or failed for good), so the fan-in is one conditional update of the job row
// instead of a locked read of every chapter.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('jobs')
    .addColumn('chapters_settled', 'integer', (c) => c.notNull().defaultTo(0).check(sql`chapters_settled >= 0`))
    .execute()
  // Unfinished story jobs carry on from what their chapters say.
  await sql`
    update jobs set chapters_settled = settled.count
    from (select story_id, count(*)::int as count from chapters where image_status <> 'pending' group by story_id) as settled
    where jobs.story_id = settled.story_id and jobs.kind = 'story' and jobs.status in ('queued', 'running')
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('jobs').dropColumn('chapters_settled').execute()
}
