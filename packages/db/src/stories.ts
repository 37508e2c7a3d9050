import { sql } from 'kysely'
import type { Db, Tx } from './database.ts'
import { type RequestDecision, requestDecisionRows } from './moderation.ts'
import { deleteOwnedRow } from './owned-rows.ts'
import type { NewStory } from './schema.ts'

/** A story with the state of the job that drives it: what GET /api/stories/:id and the export show. */
export const STORY_WITH_JOB = [
  'stories.id',
  'stories.child_id',
  'stories.job_id',
  'stories.title',
  'stories.topic',
  'stories.story_genre',
  'stories.image_style',
  'stories.language',
  'stories.cast_members',
  'stories.chapters_total',
  'stories.narration_voice',
  'stories.created_at',
  'stories.completed_at',
  'jobs.status',
  'jobs.error_code',
  'jobs.error_message',
] as const

/**
 * A story as the request makes it, with its id and its job's chosen up front. Without a
 * `narration_voice` nothing is narrated; without a `language` it takes the family's (see
 * createWithJob).
 */
type RequestedStory = Pick<
  NewStory,
  'parent_id' | 'child_id' | 'topic' | 'story_genre' | 'image_style' | 'chapters_total' | 'narration_voice' | 'language'
> & { id: string; job_id: string }

export const storyRepository = {
  /**
   * Creates a story and the job that drives it, in one statement (one round trip and one commit on
   * the hot path of POST /api/stories), provided the child is the parent's own, with the request's
   * moderation decisions in a CTE. Returns false, with nothing written, when it is not.
   *
   * Without an explicit `language` the story takes the child's preferred one, else the parent's,
   * provided it is among `languages` (what the provider writes), else `fallbackLanguage`.
   */
  async createWithJob(
    db: Db | Tx,
    story: RequestedStory,
    /** the request-time checks that let the topic through, stored with the story (moderation_decisions) */
    decisions: readonly RequestDecision[] = [],
    defaults: { languages: readonly string[]; fallbackLanguage: string } = { languages: [], fallbackLanguage: 'en' },
  ): Promise<boolean> {
    const narrated = story.narration_voice ? story.chapters_total : 0
    const { rows } = await sql<{ id: string }>`
      with child as (
        select children.id, coalesce(children.language, parents.language) as preferred
        from children join parents on parents.id = children.parent_id
        where children.id = ${story.child_id} and children.parent_id = ${story.parent_id}
      ), story as (
        insert into stories (id, parent_id, child_id, topic, story_genre, image_style, chapters_total, job_id, language, narration_voice)
        select ${story.id}::uuid, ${story.parent_id}::uuid, child.id, ${story.topic}::text, ${story.story_genre}::story_genre,
          ${story.image_style}::image_style, ${story.chapters_total}::integer, ${story.job_id}::text,
          coalesce(${story.language ?? null}::text,
            case when child.preferred = any(${defaults.languages}::text[]) then child.preferred end,
            ${defaults.fallbackLanguage}::text),
          ${story.narration_voice ?? null}::text
        from child
        returning id
      ), audit as (
        insert into moderation_decisions (parent_id, story_id, job_id, stage, target, moderator, decision, categories)
        select ${story.parent_id}::uuid, story.id, ${story.job_id}::text, 'request', d.target, d.moderator, d.decision, d.categories
        from story, ${requestDecisionRows(decisions)}
      )
      insert into jobs (id, parent_id, kind, story_id, chapters_total, narrations_total)
      select ${story.job_id}::text, ${story.parent_id}::uuid, 'story', story.id, ${story.chapters_total}::integer,
        ${narrated}::integer from story
      returning id
    `.execute(db)
    return rows.length > 0
  },

  /** A story with its current job's state, scoped to the parent. */
  findOwned(db: Db, parentId: string, storyId: string) {
    return db
      .selectFrom('stories')
      .innerJoin('jobs', 'jobs.id', 'stories.job_id')
      .select(STORY_WITH_JOB)
      .where('stories.id', '=', storyId)
      .where('stories.parent_id', '=', parentId)
      .executeTakeFirst()
  },

  /**
   * A child's library, newest first, by keyset pagination on (created_at, id): stable while new
   * stories arrive, and one ordered index range scan per page (stories_child_created_idx).
   *
   * The caller has checked that the child is the parent's (childRepository.findOwned), and a story's
   * parent is always its child's (createWithJob), so there is deliberately no parent_id condition:
   * with one, the generic plan of the prepared statement (Postgres switches to it after 5 runs)
   * took child_id and parent_id for independent, estimated one row, and read and sorted the whole
   * library (packages/db/test/hot-read-plans.test.ts holds it to a bounded read).
   *
   * cursor_created_at is created_at to the microsecond, as Postgres stores it: a Date keeps only
   * milliseconds, and a cursor of those would skip a story created in the same millisecond as the
   * page's last row.
   */
  listByChild(db: Db, childId: string, page: { limit: number; after?: { createdAt: string; id: string } }) {
    let query = db
      .selectFrom('stories')
      .innerJoin('jobs', 'jobs.id', 'stories.job_id')
      .leftJoin('chapters as cover', (join) =>
        join.onRef('cover.story_id', '=', 'stories.id').on('cover.number', '=', 1),
      )
      .select([
        'stories.id',
        'stories.title',
        'stories.language',
        'stories.created_at',
        sql<string>`to_char(stories.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as(
          'cursor_created_at',
        ),
        'jobs.status',
        'cover.image_id as cover_image_id',
      ])
      .where('stories.child_id', '=', childId)
    if (page.after) {
      const { createdAt, id } = page.after
      query = query.where(sql<boolean>`(stories.created_at, stories.id) < (${createdAt}::timestamptz, ${id}::uuid)`)
    }
    return query
      .orderBy('stories.created_at', 'desc')
      .orderBy('stories.id', 'desc')
      .limit(page.limit + 1)
      .execute()
  },

  /** A streamed title shows at once; the one of the answer that parses in the end replaces it (see setTitle). */
  async setTitleIfMissing(db: Db | Tx, storyId: string, title: string): Promise<boolean> {
    const result = await db
      .updateTable('stories')
      .set({ title })
      .where('id', '=', storyId)
      .where('title', 'is', null)
      .executeTakeFirst()
    return result.numUpdatedRows > 0n
  },

  /** The recurring characters the text step described; an answer's cast replaces an earlier try's. */
  setCast(db: Db | Tx, storyId: string, cast: ReadonlyArray<{ name: string; description: string }>) {
    return db
      .updateTable('stories')
      .set({ cast_members: JSON.stringify(cast) })
      .where('id', '=', storyId)
      .execute()
  },

  /** The saved text of a story, for a text step that continues it: the title and the chapters in order. */
  async savedText(db: Db | Tx, storyId: string) {
    const story = await db.selectFrom('stories').select('title').where('id', '=', storyId).executeTakeFirst()
    const chapters = await db
      .selectFrom('chapters')
      .select(['number', 'title', 'content'])
      .where('story_id', '=', storyId)
      .orderBy('number')
      .execute()
    return { title: story?.title ?? null, chapters }
  },

  setTitle(db: Db | Tx, storyId: string, title: string) {
    return db.updateTable('stories').set({ title }).where('id', '=', storyId).execute()
  },

  deleteOwned(db: Db | Tx, parentId: string, storyId: string): Promise<boolean> {
    return deleteOwnedRow(db, 'stories', parentId, storyId)
  },

  async countCreatedSince(db: Db | Tx, parentId: string, since: Date): Promise<number> {
    const row = await db
      .selectFrom('stories')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('parent_id', '=', parentId)
      .where('created_at', '>=', since)
      .executeTakeFirstOrThrow()
    return Number(row.count)
  },

  /** The oldest story in the window, to say when the daily limit frees up again. */
  oldestCreatedSince(db: Db | Tx, parentId: string, since: Date) {
    return db
      .selectFrom('stories')
      .select('created_at')
      .where('parent_id', '=', parentId)
      .where('created_at', '>=', since)
      .orderBy('created_at', 'asc')
      .limit(1)
      .executeTakeFirst()
  },
}
