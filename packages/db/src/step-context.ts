import type { StoryGenre } from '@dreamify/core'
import { sql } from 'kysely'
import type { Db } from './database.ts'
import type { ChildRow, JobRow } from './schema.ts'

// The child's profile as prompts use it (the name, appearance and favourites; nothing else).
const CHILD_PROFILE = [
  'name',
  'age_range',
  'sex',
  'eye_color',
  'hair_type',
  'hair_color',
  'ethnicity',
  'fav_animals',
  'fav_activities',
  'fav_shows',
] as const satisfies ReadonlyArray<keyof ChildRow>

/** What a story and its illustrations are made from: the child's profile as stored. */
export type ChildProfile = Pick<ChildRow, (typeof CHILD_PROFILE)[number]>

// The profile as one column (text and enums only, so JSON loses nothing), kept apart from the job's own columns.
const childProfile = sql<ChildProfile>`json_build_object(${sql.join(CHILD_PROFILE.map((column) => sql`${sql.lit(column)}, children.${sql.ref(column)}`))})`

/**
 * What a worker step reads before it calls the provider, in one round trip each: the job's state,
 * the story and the child's profile (and for an illustration, its chapter).
 */
export const stepContextRepository = {
  /**
   * Starts (or resumes) a story's text step: marks the job running, counts the attempt, and
   * returns the job, its story, the child's profile and what earlier tries saved, all in one
   * statement. Undefined when the job is finished or gone.
   */
  async startStoryText(db: Db, jobId: string, startedPercent: number) {
    const { rows } = await sql<
      JobRow & {
        chapters_saved: number
        chapters_pending: number[]
        topic: string
        story_genre: StoryGenre
        child: ChildProfile
      }
    >`
      with saved as (
        select count(*)::integer as count, coalesce(array_agg(number order by number) filter (where image_status = 'pending'), '{}') as pending
        from chapters where story_id = (select story_id from jobs where id = ${jobId})
      )
      update jobs
      set status = 'running', attempts = attempts + 1, updated_at = now(), percent = greatest(percent, ${startedPercent}::integer),
        stage = case when saved.count >= jobs.chapters_total then 'illustrating'::job_stage else 'writing'::job_stage end
      from saved, stories, children
      where jobs.id = ${jobId} and jobs.status in ('queued', 'running') and stories.id = jobs.story_id and children.id = stories.child_id
      returning jobs.*, saved.count as chapters_saved, saved.pending as chapters_pending, stories.topic, stories.story_genre, ${childProfile} as child
    `.execute(db)
    const row = rows[0]
    if (!row) return undefined
    const { chapters_saved, chapters_pending, topic, story_genre, child, ...job } = row
    return {
      job,
      story: { id: job.story_id!, topic, story_genre, chapters_total: job.chapters_total },
      child,
      saved: { count: chapters_saved, pending: chapters_pending },
    }
  },

  async forChapterImage(db: Db, jobId: string, storyId: string, chapterNumber: number) {
    const row = await db
      .selectFrom('jobs')
      .innerJoin('stories', 'stories.id', 'jobs.story_id')
      .innerJoin('chapters', (join) =>
        join.onRef('chapters.story_id', '=', 'stories.id').on('chapters.number', '=', chapterNumber),
      )
      .innerJoin('children', 'children.id', 'stories.child_id')
      .select([
        'jobs.status',
        'jobs.kind',
        'stories.parent_id',
        'stories.child_id',
        'stories.image_style',
        'chapters.title',
        'chapters.content',
        'chapters.image_status',
        childProfile.as('child'),
      ])
      .where('jobs.id', '=', jobId)
      .where('stories.id', '=', storyId)
      .executeTakeFirst()
    if (!row) return undefined
    return {
      job: { status: row.status, kind: row.kind },
      chapter: {
        story_id: storyId,
        number: chapterNumber,
        parent_id: row.parent_id,
        child_id: row.child_id,
        title: row.title,
        content: row.content,
        image_status: row.image_status,
      },
      style: row.image_style,
      child: row.child,
    }
  },
}
