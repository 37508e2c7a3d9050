import { type Kysely, sql } from 'kysely'

// Frozen in time (see the initial migration). A story's language (a BCP 47 tag; which ones a
// provider writes is the application's list, so the database checks only the tag's shape), the
// preferred language of a parent and of a child (the defaults of a new story), and the story's cast:
// the recurring characters besides the hero, as [{name, description}], for the illustrations; and
// each chapter's scene, a sentence in English for its illustration (the text may be in any language).
const TAG = sql.raw(`'^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$'`)

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('stories')
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('en').check(sql`language ~ ${TAG}`))
    .addColumn('cast_members', 'jsonb', (c) =>
      c.notNull().defaultTo(sql`'[]'::jsonb`).check(sql`jsonb_typeof(cast_members) = 'array'`),
    )
    .execute()
  await db.schema
    .alterTable('chapters')
    .addColumn('scene', 'text', (c) => c.check(sql`length(scene) <= 1000`))
    .execute()
  await db.schema
    .alterTable('parents')
    .addColumn('language', 'text', (c) => c.check(sql`language ~ ${TAG}`))
    .execute()
  await db.schema
    .alterTable('children')
    .addColumn('language', 'text', (c) => c.check(sql`language ~ ${TAG}`))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('children').dropColumn('language').execute()
  await db.schema.alterTable('parents').dropColumn('language').execute()
  await db.schema.alterTable('chapters').dropColumn('scene').execute()
  await db.schema.alterTable('stories').dropColumn('cast_members').dropColumn('language').execute()
}
