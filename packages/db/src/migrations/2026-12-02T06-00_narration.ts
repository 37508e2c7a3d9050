import { type Kysely, sql } from 'kysely'

// Frozen in time (see the initial migration). A story may be narrated: each chapter gets a
// narration job beside its image job, counted in the same fan-in (narrations_settled of
// narrations_total, 0 when the story is not narrated). The audio is a media object (kind `audio`,
// one playable MP3 per chapter) that the chapter points at; a redo replaces it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter type job_kind add value if not exists 'audio'`.execute(db)
  // A redo of one chapter's narration names its chapter, as a redraw does (compared as text: a new
  // enum value cannot be used in the transaction that adds it).
  await sql`alter table jobs drop constraint jobs_image_has_chapter`.execute(db)
  await sql`alter table jobs add constraint jobs_image_has_chapter
    check ((kind::text in ('image', 'audio')) = (chapter_number is not null))`.execute(db)
  await sql`create type audio_status as enum ('none', 'pending', 'ready', 'failed')`.execute(db)
  await db.schema
    .alterTable('stories')
    .addColumn('narration_voice', 'text', (c) => c.check(sql`narration_voice ~ '^[a-z]{1,20}$'`))
    .execute()
  await db.schema
    .alterTable('chapters')
    .addColumn('audio_status', sql`audio_status`, (c) => c.notNull().defaultTo('none'))
    .addColumn('audio_key', 'text', (c) => c.references('media_objects.key').onDelete('set null'))
    .addColumn('audio_error_code', 'text')
    .execute()
  await db.schema
    .alterTable('jobs')
    .addColumn('narrations_total', 'integer', (c) => c.notNull().defaultTo(0).check(sql`narrations_total >= 0`))
    .addColumn('narrations_settled', 'integer', (c) => c.notNull().defaultTo(0).check(sql`narrations_settled >= 0`))
    .addColumn('chapters_narrated', 'integer', (c) => c.notNull().defaultTo(0).check(sql`chapters_narrated >= 0`))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('jobs')
    .dropColumn('narrations_total')
    .dropColumn('narrations_settled')
    .dropColumn('chapters_narrated')
    .execute()
  await db.schema
    .alterTable('chapters')
    .dropColumn('audio_status')
    .dropColumn('audio_key')
    .dropColumn('audio_error_code')
    .execute()
  await sql`delete from media_objects where kind = 'audio'`.execute(db)
  await db.schema.alterTable('stories').dropColumn('narration_voice').execute()
  await sql`drop type audio_status`.execute(db)
  // A value cannot leave an enum: redo jobs go, and 'audio' stays in job_kind unused.
  await sql`delete from jobs where kind::text = 'audio'`.execute(db)
  await sql`alter table jobs drop constraint jobs_image_has_chapter`.execute(db)
  await sql`alter table jobs add constraint jobs_image_has_chapter check ((kind = 'image') = (chapter_number is not null))`.execute(
    db,
  )
}
