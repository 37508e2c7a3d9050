import type { Db } from './database.ts'
import { STORY_WITH_JOB } from './stories.ts'

/** What a parent's account holds, read for its export (GDPR Art. 20); its jobs are jobRepository.listWithin. */
export const accountDataRepository = {
  /** The parent's stories with the state of the job that drives each, oldest first. */
  stories(db: Db, parentId: string) {
    return db
      .selectFrom('stories')
      .innerJoin('jobs', 'jobs.id', 'stories.job_id')
      .select(STORY_WITH_JOB)
      .where('stories.parent_id', '=', parentId)
      .orderBy('stories.created_at')
      .orderBy('stories.id')
      .execute()
  },

  /** Every chapter of the parent's stories, in story and chapter order. */
  chapters(db: Db, parentId: string) {
    return db
      .selectFrom('chapters')
      .innerJoin('stories', 'stories.id', 'chapters.story_id')
      .select([
        'chapters.story_id',
        'chapters.number',
        'chapters.title',
        'chapters.content',
        'chapters.written',
        'chapters.image_status',
        'chapters.image_error_code',
        'chapters.image_id',
        'chapters.audio_status',
        'chapters.audio_error_code',
        'chapters.audio_key',
      ])
      .where('stories.parent_id', '=', parentId)
      .orderBy('chapters.story_id')
      .orderBy('chapters.number')
      .execute()
  },

  /** The parent's images without their bytes, which are read one at a time as the export streams. */
  images(db: Db, parentId: string) {
    return db
      .selectFrom('images')
      .select(['id', 'content_type'])
      .where('parent_id', '=', parentId)
      .orderBy('created_at')
      .execute()
  },
}
