import type { Db } from './database.ts'
import type { ChildRow } from './schema.ts'

// The child's profile as prompts use it (the name, appearance and favourites; nothing else).
const CHILD_PROFILE = [
  'children.name', 'children.age_range', 'children.sex', 'children.eye_color', 'children.hair_type', 'children.hair_color',
  'children.ethnicity', 'children.fav_animals', 'children.fav_activities', 'children.fav_shows',
] as const

/** What a story and its illustrations are made from: the child's profile as stored. */
export type ChildProfile = Pick<ChildRow, ColumnOf<(typeof CHILD_PROFILE)[number]>>
type ColumnOf<Ref> = Ref extends `children.${infer Column extends keyof ChildRow}` ? Column : never

function pickChildProfile({ name, age_range, sex, eye_color, hair_type, hair_color, ethnicity, fav_animals, fav_activities, fav_shows }: ChildProfile): ChildProfile {
  return { name, age_range, sex, eye_color, hair_type, hair_color, ethnicity, fav_animals, fav_activities, fav_shows }
}

/**
 * What a worker step reads before it calls the provider, in one round trip each: the job's state,
 * the story and the child's profile (and for an illustration, its chapter).
 */
export const stepContextRepository = {
  async forStoryText(db: Db, jobId: string) {
    const row = await db
      .selectFrom('jobs')
      .innerJoin('stories', 'stories.id', 'jobs.story_id')
      .innerJoin('children', 'children.id', 'stories.child_id')
      .select(['jobs.status', 'jobs.chapters_settled', 'stories.id as story_id', 'stories.topic', 'stories.story_genre', 'stories.chapters_total', ...CHILD_PROFILE])
      .where('jobs.id', '=', jobId)
      .executeTakeFirst()
    if (!row) return undefined
    return {
      job: { status: row.status, chapters_settled: row.chapters_settled },
      story: { id: row.story_id, topic: row.topic, story_genre: row.story_genre, chapters_total: row.chapters_total },
      child: pickChildProfile(row),
    }
  },

  async forChapterImage(db: Db, jobId: string, storyId: string, chapterNumber: number) {
    const row = await db
      .selectFrom('jobs')
      .innerJoin('stories', 'stories.id', 'jobs.story_id')
      .innerJoin('chapters', (join) => join.onRef('chapters.story_id', '=', 'stories.id').on('chapters.number', '=', chapterNumber))
      .innerJoin('children', 'children.id', 'stories.child_id')
      .select([
        'jobs.status', 'jobs.kind', 'jobs.chapters_settled', 'jobs.chapters_total', 'stories.parent_id', 'stories.child_id', 'stories.image_style',
        'chapters.title', 'chapters.content', 'chapters.image_status', ...CHILD_PROFILE,
      ])
      .where('jobs.id', '=', jobId)
      .where('stories.id', '=', storyId)
      .executeTakeFirst()
    if (!row) return undefined
    return {
      job: { status: row.status, kind: row.kind, chapters_settled: row.chapters_settled, chapters_total: row.chapters_total },
      chapter: { story_id: storyId, number: chapterNumber, parent_id: row.parent_id, child_id: row.child_id, title: row.title, content: row.content, image_status: row.image_status },
      style: row.image_style,
      child: pickChildProfile(row),
    }
  },
}
