import { CHAPTER_COLUMNS } from './chapters.ts'
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

  /** Every chapter of the parent's stories, each story's in chapter order. */
  chapters(db: Db, parentId: string) {
    const storiesOfParent = db.selectFrom('stories').select('id').where('parent_id', '=', parentId)
    return db
      .selectFrom('chapters')
      .select(['story_id', ...CHAPTER_COLUMNS])
      .where('story_id', 'in', storiesOfParent)
      .orderBy('number')
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
