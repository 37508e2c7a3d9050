import { type Kysely, sql } from 'kysely'

// Frozen in time (see the initial migration). Refresh tokens, one row per token: a sign-in starts a
// family (the session, whose id is the first row's id and the access tokens' `sid`), and every
// rotation adds a row to it. Only a SHA-256 of each token is kept. A rotated row stays, so a token
// presented again after its rotation is recognised as reuse and the whole family is revoked.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('parent_id', 'uuid', (c) => c.notNull().references('parents.id').onDelete('cascade'))
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('token_hash', 'bytea', (c) => c.notNull().unique())
    .addColumn('client', 'text', (c) => c.notNull().check(sql`length(client) <= 100`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Absolute: the family's first row sets it and rotations copy it, so refreshing never extends a session.
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('rotated_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute()
  await db.schema.createIndex('sessions_family_idx').on('sessions').column('family_id').execute()
  await db.schema.createIndex('sessions_parent_idx').on('sessions').column('parent_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sessions').execute()
}
