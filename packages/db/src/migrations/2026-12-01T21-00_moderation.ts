import { type Kysely, sql } from 'kysely'

// Frozen in time (see the initial migration). Child safety: every moderation decision, and the
// reports parents make about a story. Neither keeps the text that was checked. A chapter whose
// picture failed for good says why (CONTENT_FLAGGED, or the provider's code).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('chapters').addColumn('image_error_code', 'text').execute()
  await db.schema
    .createTable('moderation_decisions')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('parent_id', 'uuid', (c) => c.notNull().references('parents.id').onDelete('cascade'))
    // null for a refusal at request time, before any story exists
    .addColumn('story_id', 'uuid', (c) => c.references('stories.id').onDelete('cascade'))
    .addColumn('job_id', 'text')
    .addColumn('stage', 'text', (c) =>
      c.notNull().check(sql`stage in ('request', 'topic', 'story_text', 'image_prompt', 'image')`),
    )
    // what was checked: topic, title, chapter 3, image 3, or a child's field (child.fav_shows)
    .addColumn('target', 'text', (c) => c.notNull().check(sql`length(target) <= 64`))
    .addColumn('moderator', 'text', (c) => c.notNull().check(sql`moderator in ('openai', 'local')`))
    .addColumn('decision', 'text', (c) => c.notNull().check(sql`decision in ('allowed', 'flagged')`))
    // the top categories and their scores: [{category, score}]
    .addColumn('categories', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('moderation_decisions_story_idx')
    .on('moderation_decisions')
    .columns(['story_id', 'created_at'])
    .where(sql.ref('story_id'), 'is not', null)
    .execute()
  await db.schema
    .createIndex('moderation_decisions_parent_idx')
    .on('moderation_decisions')
    .column('parent_id')
    .execute()

  await db.schema
    .createTable('story_reports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('story_id', 'uuid', (c) => c.notNull().references('stories.id').onDelete('cascade'))
    .addColumn('parent_id', 'uuid', (c) => c.notNull().references('parents.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) =>
      c
        .notNull()
        .check(sql`reason in ('frightening', 'violent', 'sexual', 'rude_language', 'not_age_appropriate', 'other')`),
    )
    .addColumn('note', 'text', (c) => c.check(sql`length(note) <= 1000`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('story_reports_story_idx').on('story_reports').column('story_id').execute()
  await db.schema.createIndex('story_reports_parent_idx').on('story_reports').column('parent_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('story_reports').execute()
  await db.schema.dropTable('moderation_decisions').execute()
  await db.schema.alterTable('chapters').dropColumn('image_error_code').execute()
}
