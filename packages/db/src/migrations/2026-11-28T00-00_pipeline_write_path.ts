import { type Kysely, sql } from 'kysely'

// Frozen in time (see the initial migration). The pipeline's write path, made cheap enough for
// hundreds of steps a second:
// - The story job counts the chapters whose drawing is settled (drawn, or failed for good), so the
//   fan-in is one conditional update of the job row instead of a locked read of every chapter.
// - Progress updates of a job change no indexed column, so Postgres can update the row in place
//   (a HOT update: no new index entries). The reconciler's index therefore covers created_at, not
//   updated_at, which every update changes; and job pages keep room for the new row versions.
// - Images are already compressed (PNG, JPEG, WebP): stored out of line without trying to compress them again.
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

  await db.schema.dropIndex('jobs_unfinished_idx').execute()
  await db.schema
    .createIndex('jobs_unfinished_idx')
    .on('jobs')
    .columns(['created_at'])
    .where(sql.ref('status'), 'in', ['queued', 'running'])
    .execute()
  await sql`alter table jobs set (fillfactor = 70)`.execute(db)
  await sql`alter table images alter column bytes set storage external`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table images alter column bytes set storage extended`.execute(db)
  await sql`alter table jobs reset (fillfactor)`.execute(db)
  await db.schema.dropIndex('jobs_unfinished_idx').execute()
  await db.schema
    .createIndex('jobs_unfinished_idx')
    .on('jobs')
    .columns(['updated_at'])
    .where(sql.ref('status'), 'in', ['queued', 'running'])
    .execute()
  await db.schema.alterTable('jobs').dropColumn('chapters_settled').execute()
}
