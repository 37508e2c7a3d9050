import { sql } from 'kysely'
import type { Db } from './database.ts'
import type { ChildRow, MediaStoreName } from './schema.ts'

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
export const childProfile = sql<ChildProfile>`json_build_object(${sql.join(CHILD_PROFILE.map((column) => sql`${sql.lit(column)}, children.${sql.ref(column)}`))})`

/**
 * The child's avatar as a reference for a chapter's picture: `current` when it was drawn from the
 * child's appearance as it is (no avatar job of the child was requested after the one that drew it,
 * so an appearance change makes it stale until its new avatar is stored), `stale` when that is not
 * so, `none` while the first avatar is being drawn or after it failed. Where its original is stored
 * (the media object the step reads the bytes from) comes only when asked.
 */
export type AvatarReference =
  | { state: 'current'; stored: { key: string; store: MediaStoreName; contentType: string } | undefined }
  | { state: 'stale' | 'none' }

/** The job with its story and one chapter of it (a chapter step's job, checked to be that story's). */
function jobWithChapter(db: Db, jobId: string, storyId: string, chapterNumber: number) {
  return db
    .selectFrom('jobs')
    .innerJoin('stories', 'stories.id', 'jobs.story_id')
    .innerJoin('chapters', (join) =>
      join.onRef('chapters.story_id', '=', 'stories.id').on('chapters.number', '=', chapterNumber),
    )
    .where('jobs.id', '=', jobId)
    .where('stories.id', '=', storyId)
}

/** The chapter a step works on, with its owners and text, as both chapter steps take it. */
function stepChapter(
  storyId: string,
  number: number,
  row: { parent_id: string; child_id: string; title: string; content: string },
) {
  return {
    story_id: storyId,
    number,
    parent_id: row.parent_id,
    child_id: row.child_id,
    title: row.title,
    content: row.content,
  }
}

/**
 * What an illustration step reads before it calls the provider, in one round trip: the job's state,
 * the story, the chapter, the child's profile and avatar (its bytes with `withAvatar`, when the
 * provider will draw from it). (A story's text step gets its own with its start, jobLifecycle.startStory.)
 */
export const stepContextRepository = {
  async forChapterImage(db: Db, jobId: string, storyId: string, chapterNumber: number, withAvatar = false) {
    const row = await jobWithChapter(db, jobId, storyId, chapterNumber)
      .innerJoin('children', 'children.id', 'stories.child_id')
      .leftJoin('images as avatar', 'avatar.id', 'children.avatar_image_id')
      .leftJoin('jobs as drew', 'drew.id', 'avatar.job_id')
      .select([
        'jobs.status',
        'jobs.kind',
        'stories.parent_id',
        'stories.child_id',
        'stories.image_style',
        'stories.outline',
        'stories.cast_members',
        'stories.language',
        'chapters.title',
        'chapters.content',
        'chapters.scene',
        'chapters.image_status',
        childProfile.as('child'),
        'avatar.content_type as avatar_content_type',
        sql<string | null>`case when ${withAvatar} then (select key from media_objects
          where image_id = avatar.id and variant = 'original') end`.as('avatar_key'),
        sql<MediaStoreName | null>`case when ${withAvatar} then (select store from media_objects
          where image_id = avatar.id and variant = 'original') end`.as('avatar_store'),
        sql<boolean>`avatar.id is not null and not exists (select 1 from jobs as later where later.child_id = children.id
          and later.kind = 'avatar' and later.created_at > coalesce(drew.created_at, avatar.created_at))`.as(
          'avatar_current',
        ),
      ])
      .executeTakeFirst()
    if (!row) return undefined
    return {
      job: { status: row.status, kind: row.kind },
      chapter: {
        ...stepChapter(storyId, chapterNumber, row),
        scene: row.scene,
        image_status: row.image_status,
      },
      style: row.image_style,
      /** an outlined story's plan: its chapters are drawn from their briefs, not their text */
      outline: row.outline,
      cast: row.cast_members,
      language: row.language,
      child: row.child,
      avatar: avatarReference(row),
    }
  },

  /** What a narration step reads before it calls the provider: the job's state, the voice and the chapter's text. */
  async forChapterAudio(db: Db, jobId: string, storyId: string, chapterNumber: number) {
    const row = await jobWithChapter(db, jobId, storyId, chapterNumber)
      .select([
        'jobs.status',
        'jobs.kind',
        'stories.parent_id',
        'stories.narration_voice',
        'stories.child_id',
        'chapters.title',
        'chapters.content',
        'chapters.audio_status',
        'chapters.written',
      ])
      .executeTakeFirst()
    if (!row) return undefined
    return {
      job: { status: row.status, kind: row.kind },
      voice: row.narration_voice,
      chapter: {
        ...stepChapter(storyId, chapterNumber, row),
        audio_status: row.audio_status,
        written: row.written,
      },
    }
  },

  /** What an outlined chapter's text step reads before it calls the provider, in one round trip. */
  async forChapterText(db: Db, jobId: string, storyId: string, chapterNumber: number) {
    return jobWithChapter(db, jobId, storyId, chapterNumber)
      .innerJoin('children', 'children.id', 'stories.child_id')
      .select([
        'jobs.status',
        'jobs.chapters_total',
        'jobs.narrations_total',
        'stories.topic',
        'stories.story_genre',
        'stories.outline',
        'stories.narration_voice',
        'chapters.written',
        'chapters.audio_status',
        childProfile.as('child'),
      ])
      .executeTakeFirst()
  },

  /** A story's outline as saved (null before it is planned). */
  async outline(db: Db, storyId: string) {
    const row = await db.selectFrom('stories').select('outline').where('id', '=', storyId).executeTakeFirst()
    return row?.outline ?? null
  },
}

function avatarReference(row: {
  avatar_content_type: string | null
  avatar_key: string | null
  avatar_store: MediaStoreName | null
  avatar_current: boolean
}): AvatarReference {
  if (row.avatar_content_type === null) return { state: 'none' }
  if (!row.avatar_current) return { state: 'stale' }
  const stored =
    row.avatar_key && row.avatar_store
      ? { key: row.avatar_key, store: row.avatar_store, contentType: row.avatar_content_type }
      : undefined
  return { state: 'current', stored }
}
