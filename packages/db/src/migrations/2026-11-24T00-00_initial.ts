import { type Kysely, sql } from 'kysely'

// Frozen in time: written against Kysely<any> so later changes to the TypeScript schema never
// change what this migration does.
const ENUMS = {
  age_range: ['0-3', '4-6', '7-9', '10-13'],
  sex: ['Male', 'Female'],
  eye_color: ['Blue', 'Brown', 'Green', 'Hazel', 'Amber', 'Gray'],
  hair_type: ['Straight', 'Wavy', 'Curly', 'Kinky', 'Bald'],
  hair_color: ['Blonde', 'Brown', 'Black', 'Red', 'Auburn', 'Gray', 'White', 'Bald'],
  image_style: ['Cartoon', 'Realistic', 'Fantasy', 'Watercolor', 'Anime'],
  story_genre: ['Fantasy', 'Adventure', 'Educational'],
  job_kind: ['story', 'avatar', 'image'],
  job_status: ['queued', 'running', 'completed', 'failed', 'cancelled'],
  job_stage: ['queued', 'writing', 'illustrating', 'saving', 'done'],
  image_status: ['pending', 'ready', 'failed'],
}

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, values] of Object.entries(ENUMS)) {
    await db.schema.createType(name).asEnum(values).execute()
  }

  await db.schema
    .createTable('parents')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull().check(sql`email = lower(btrim(email))`))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('parents_email_key').on('parents').expression(sql`lower(email)`).unique().execute()

  await db.schema
    .createTable('children')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('parent_id', 'uuid', (c) => c.notNull().references('parents.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('age_range', sql`age_range`, (c) => c.notNull())
    .addColumn('sex', sql`sex`, (c) => c.notNull())
    .addColumn('eye_color', sql`eye_color`, (c) => c.notNull())
    .addColumn('hair_type', sql`hair_type`, (c) => c.notNull())
    .addColumn('hair_color', sql`hair_color`, (c) => c.notNull())
    .addColumn('ethnicity', 'text', (c) => c.notNull())
    .addColumn('fav_animals', 'text')
    .addColumn('fav_activities', 'text')
    .addColumn('fav_shows', 'text')
    // Set once the avatar image exists; the foreign key is added after the images table.
    .addColumn('avatar_image_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('children_parent_idx').on('children').columns(['parent_id', 'created_at']).execute()

  await db.schema
    .createTable('stories')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('parent_id', 'uuid', (c) => c.notNull().references('parents.id').onDelete('cascade'))
    .addColumn('child_id', 'uuid', (c) => c.notNull().references('children.id').onDelete('cascade'))
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('story_genre', sql`story_genre`, (c) => c.notNull())
    .addColumn('image_style', sql`image_style`, (c) => c.notNull())
    .addColumn('chapters_total', 'integer', (c) => c.notNull().check(sql`chapters_total between 1 and 50`))
    .addColumn('title', 'text')
    // The job that currently drives the story (a retry replaces it); set in the same transaction.
    .addColumn('job_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .execute()
  await db.schema
    .createIndex('stories_child_created_idx')
    .on('stories')
    .columns(['child_id', 'created_at desc', 'id desc'])
    .execute()
  await db.schema.createIndex('stories_parent_created_idx').on('stories').columns(['parent_id', 'created_at']).execute()

  await db.schema
    .createTable('images')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('parent_id', 'uuid', (c) => c.notNull().references('parents.id').onDelete('cascade'))
    .addColumn('child_id', 'uuid', (c) => c.notNull().references('children.id').onDelete('cascade'))
    .addColumn('story_id', 'uuid', (c) => c.references('stories.id').onDelete('cascade'))
    .addColumn('content_type', 'text', (c) => c.notNull().check(sql`content_type like 'image/%'`))
    .addColumn('bytes', 'bytea', (c) => c.notNull())
    .addColumn('byte_size', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('images_story_idx').on('images').column('story_id').execute()
  await db.schema.createIndex('images_child_idx').on('images').column('child_id').execute()
  await sql`alter table children add constraint children_avatar_image_fk
    foreign key (avatar_image_id) references images(id) on delete set null`.execute(db)

  await db.schema
    .createTable('chapters')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('story_id', 'uuid', (c) => c.notNull().references('stories.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull().check(sql`number >= 1`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('image_status', sql`image_status`, (c) => c.notNull().defaultTo('pending'))
    .addColumn('image_id', 'uuid', (c) => c.references('images.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('chapters_story_number_key', ['story_id', 'number'])
    .execute()

  // A job is the unit a client polls: a story's generation, a child's avatar, or one chapter drawn again.
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('parent_id', 'uuid', (c) => c.notNull().references('parents.id').onDelete('cascade'))
    .addColumn('kind', sql`job_kind`, (c) => c.notNull())
    .addColumn('status', sql`job_status`, (c) => c.notNull().defaultTo('queued'))
    .addColumn('stage', sql`job_stage`, (c) => c.notNull().defaultTo('queued'))
    .addColumn('percent', 'integer', (c) => c.notNull().defaultTo(0).check(sql`percent between 0 and 100`))
    .addColumn('chapters_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('chapters_illustrated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('story_id', 'uuid', (c) => c.references('stories.id').onDelete('cascade'))
    .addColumn('child_id', 'uuid', (c) => c.references('children.id').onDelete('cascade'))
    .addColumn('chapter_number', 'integer')
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .addCheckConstraint('jobs_one_subject', sql`(story_id is null) <> (child_id is null)`)
    .addCheckConstraint('jobs_image_has_chapter', sql`(kind = 'image') = (chapter_number is not null)`)
    .execute()
  await db.schema.createIndex('jobs_parent_status_idx').on('jobs').columns(['parent_id', 'status']).execute()
  await db.schema.createIndex('jobs_story_idx').on('jobs').column('story_id').execute()
  await db.schema.createIndex('jobs_child_idx').on('jobs').column('child_id').execute()
  // The reconciler's scan: unfinished jobs, oldest first.
  await db.schema
    .createIndex('jobs_unfinished_idx')
    .on('jobs')
    .columns(['updated_at'])
    .where(sql.ref('status'), 'in', ['queued', 'running'])
    .execute()

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('parent_id', 'uuid', (c) => c.notNull().references('parents.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('response_body', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['parent_id', 'key'])
    .execute()
  await db.schema.createIndex('idempotency_keys_expires_idx').on('idempotency_keys').column('expires_at').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['idempotency_keys', 'jobs', 'chapters']) await db.schema.dropTable(table).execute()
  await sql`alter table children drop constraint children_avatar_image_fk`.execute(db)
  for (const table of ['images', 'stories', 'children', 'parents']) await db.schema.dropTable(table).execute()
  for (const name of Object.keys(ENUMS).reverse()) await db.schema.dropType(name).execute()
}
