import type { Kysely } from 'kysely'

// Frozen in time (see the initial migration). A drawn picture is stored under the job that drew it
// before the job settles, so a retry finds it and does not pay for the drawing again (an avatar's
// settle could deadlock with another's and be retried). One picture per job; deleting the job
// keeps the picture.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('images')
    .addColumn('job_id', 'text', (c) => c.references('jobs.id').onDelete('set null'))
    .execute()
  await db.schema.createIndex('images_job_key').on('images').column('job_id').unique().execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('images_job_key').execute()
  await db.schema.alterTable('images').dropColumn('job_id').execute()
}
