import type { Db } from './database.ts'

/**
 * Narration audio is stored and replaced by the job's transitions (job-lifecycle/narration.ts),
 * in chapter_audio until the media store takes it; this serves it.
 */
export const narrationRepository = {
  findForServing(db: Db, audioId: string) {
    return db
      .selectFrom('chapter_audio')
      .select(['id', 'content_type', 'bytes', 'byte_size', 'created_at'])
      .where('id', '=', audioId)
      .executeTakeFirst()
  },
}
