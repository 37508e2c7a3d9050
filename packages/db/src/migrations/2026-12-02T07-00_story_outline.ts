import { type Kysely, sql } from 'kysely'

// Frozen in time (see the initial migration). The outline strategy (docs/decisions/0013): a story
// planned first keeps its outline (title, cast, one synopsis and illustration brief per chapter);
// its chapters exist from the moment it is planned, each `written` once its text is saved, so a
// picture drawn from its brief can settle before its text; the job counts written chapters beside
// settled ones, and says `planning` while the outline is asked for.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter type job_stage add value if not exists 'planning' before 'writing'`.execute(db)
  await db.schema.alterTable('stories').addColumn('outline', 'jsonb').execute()
  await db.schema
    .alterTable('chapters')
    .addColumn('written', 'boolean', (c) => c.notNull().defaultTo(true))
    .execute()
  await db.schema
    .alterTable('jobs')
    .addColumn('chapters_written', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  // Jobs already under way count the chapters their stories have, so they still complete.
  await sql`
    update jobs set chapters_written = (select count(*) from chapters where chapters.story_id = jobs.story_id)
    where kind = 'story' and story_id is not null
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('jobs').dropColumn('chapters_written').execute()
  await db.schema.alterTable('chapters').dropColumn('written').execute()
  await db.schema.alterTable('stories').dropColumn('outline').execute()
  // A value of an enum cannot be dropped; 'planning' stays, unused.
}
