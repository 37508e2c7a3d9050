import { type Kysely, sql } from 'kysely'

// Frozen in time (see the initial migration). Media bytes leave the images table: every stored
// object (an image's original and its variants today, narration audio later) has one row here with
// its owners, kind, content type, size, checksum and the key it is stored under. `store` says where
// the bytes are: in `bytes` here (`postgres`) or in object storage (`s3`). A row whose `settled_at`
// is null was uploaded by a step that has not settled yet: the housekeeping sweeps it after a grace
// period. Deleting a row that has bytes elsewhere queues the object's deletion (media_deletions),
// so a cascade from a parent, child, story or image never forgets an object in the store.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('media_objects')
    .addColumn('key', 'text', (c) => c.primaryKey().check(sql`key ~ '^[a-z0-9][a-z0-9/._-]*$'`))
    .addColumn('parent_id', 'uuid', (c) => c.notNull().references('parents.id').onDelete('cascade'))
    .addColumn('child_id', 'uuid', (c) => c.references('children.id').onDelete('cascade'))
    .addColumn('story_id', 'uuid', (c) => c.references('stories.id').onDelete('cascade'))
    .addColumn('image_id', 'uuid', (c) => c.references('images.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('image', 'audio')`))
    .addColumn('variant', 'text', (c) => c.notNull().defaultTo('original'))
    .addColumn('width', 'integer')
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('byte_size', 'integer', (c) => c.notNull().check(sql`byte_size >= 0`))
    .addColumn('checksum', 'text', (c) => c.notNull().check(sql`checksum ~ '^[0-9a-f]{64}$'`))
    .addColumn('store', 'text', (c) => c.notNull().check(sql`store in ('postgres', 's3')`))
    .addColumn('bytes', 'bytea')
    .addColumn('settled_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('media_objects_bytes_where_stored', sql`(store = 'postgres') = (bytes is not null)`)
    .execute()
  await sql`alter table media_objects alter column bytes set storage external`.execute(db)
  await db.schema.createIndex('media_objects_image_idx').on('media_objects').column('image_id').execute()
  await db.schema.createIndex('media_objects_parent_idx').on('media_objects').column('parent_id').execute()
  await db.schema.createIndex('media_objects_child_idx').on('media_objects').column('child_id').execute()
  await db.schema.createIndex('media_objects_story_idx').on('media_objects').column('story_id').execute()
  await sql`create index media_objects_unsettled_idx on media_objects (created_at) where settled_at is null`.execute(db)
  await sql`create index media_objects_postgres_idx on media_objects (key) where store = 'postgres'`.execute(db)

  await db.schema
    .createTable('media_deletions')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('store', 'text', (c) => c.notNull().check(sql`store in ('s3')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`create function media_object_deleted() returns trigger language plpgsql as $$
    begin
      if old.store <> 'postgres' then
        insert into media_deletions (key, store) values (old.key, old.store)
        on conflict (key) do update set next_attempt_at = now();
      end if;
      return null;
    end $$`.execute(db)
  await sql`create trigger media_object_deleted after delete on media_objects
    for each row execute function media_object_deleted()`.execute(db)

  // The images' bytes move here, as `postgres` objects, and the images table keeps the record.
  await sql`
    insert into media_objects (key, parent_id, child_id, story_id, image_id, kind, variant, content_type,
      byte_size, checksum, store, bytes, settled_at, created_at)
    select 'images/' || id || '/original.' || case content_type when 'image/png' then 'png'
        when 'image/jpeg' then 'jpg' when 'image/webp' then 'webp' else 'bin' end,
      parent_id, child_id, story_id, id, 'image', 'original', content_type, byte_size,
      encode(sha256(bytes), 'hex'), 'postgres', bytes, created_at, created_at
    from images
  `.execute(db)
  await db.schema.alterTable('images').dropColumn('bytes').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('images').addColumn('bytes', 'bytea').execute()
  await sql`update images set bytes = o.bytes from media_objects o
    where o.image_id = images.id and o.variant = 'original' and o.store = 'postgres'`.execute(db)
  // Images whose bytes are only in object storage cannot come back: they go, as a chapter's lost picture.
  await sql`delete from images where bytes is null`.execute(db)
  await sql`alter table images alter column bytes set not null`.execute(db)
  await sql`alter table images alter column bytes set storage external`.execute(db)
  await db.schema.dropTable('media_objects').execute()
  await db.schema.dropTable('media_deletions').execute()
  await sql`drop function media_object_deleted()`.execute(db)
}
