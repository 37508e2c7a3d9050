import { type Kysely, sql } from 'kysely'

// Frozen in time (see the initial migration). Image variants are made by a step of their own, after
// the picture settles (docs/decisions/0014): `variants_made_at` says the step has run for an image
// (null: still to make). Images that already have variants are done; the others (stored before
// variants existed) are left null, so the worker's sweep makes theirs.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('images').addColumn('variants_made_at', 'timestamptz').execute()
  await sql`
    update images set variants_made_at = created_at
    where exists (select from media_objects where media_objects.image_id = images.id and media_objects.variant <> 'original')
  `.execute(db)
  // The sweep's question ("which settled pictures still wait for their variants?") reads only those.
  await sql`create index images_awaiting_variants on images (created_at) where variants_made_at is null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('images').dropColumn('variants_made_at').execute()
}
