import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../database.ts'
import { insertStoryDecisions, type StoryDecision } from '../moderation.ts'
import type { JobRow } from '../schema.ts'
import { fanInTransition } from './fan-in.ts'
import { parallelPercent, storyPercent } from './percent.ts'
import { unfinished } from './unfinished.ts'

export interface WrittenChapter {
  number: number
  title: string
  content: string
  /** what to draw, in English */
  scene?: string | null
}

/**
 * Saves chapters' text (each once) and moves the story job on, in one statement, however many
 * chapters the parser found at once (one while streaming, all of them without). Chapters arrive
 * in order, so chapter n being saved means n are written. The moderation decisions that let them
 * (and the title, and the topic) through are written by the same statement.
 */
export function recordChaptersWrittenQuery(
  db: Db,
  jobId: string,
  story: { id: string; chapters_total: number; narrated?: boolean },
  chapters: ReadonlyArray<WrittenChapter>,
  decisions: readonly StoryDecision[] = [],
) {
  // A narrated story's chapters wait for their narration as they wait for their pictures.
  const audio_status = story.narrated ? ('pending' as const) : ('none' as const)
  const written = Math.max(...chapters.map((c) => c.number))
  return db
    .with('decisions', (db) => insertStoryDecisions(db, story.id, decisions))
    .with('inserted', (db) =>
      db
        .insertInto('chapters')
        .values(chapters.map((chapter) => ({ story_id: story.id, ...chapter, audio_status })))
        .onConflict((oc) => oc.columns(['story_id', 'number']).doNothing())
        .returning('number'),
    )
    .updateTable('jobs')
    .set({
      status: 'running',
      chapters_written: sql`greatest(chapters_written, ${written}::integer)`,
      stage: sql`case when ${written}::integer < chapters_total then 'writing'::job_stage else 'illustrating'::job_stage end`,
      percent: storyPercent('writing', sql`${written}::integer`, sql.ref('chapters_total')),
      updated_at: sql`now()`,
    })
    .where('id', '=', jobId)
    .where(unfinished())
    .returningAll()
    .returning(sql<number[]>`(select coalesce(array_agg(number order by number), '{}') from inserted)`.as('inserted'))
}

/**
 * Returns the job as it now is (undefined when it is finished or gone: cancelled or deleted, which
 * tells the text step to stop) and the numbers of the chapters this call saved (a retried step
 * meeting saved ones saves none).
 */
export async function recordChaptersWritten(
  db: Db,
  jobId: string,
  story: { id: string; chapters_total: number; narrated?: boolean },
  chapters: ReadonlyArray<WrittenChapter>,
  decisions: readonly StoryDecision[] = [],
): Promise<{ job: JobRow | undefined; inserted: number[] }> {
  const row = await recordChaptersWrittenQuery(db, jobId, story, chapters, decisions).executeTakeFirst()
  if (!row) return { job: undefined, inserted: [] }
  const { inserted, ...job } = row
  return { job, inserted }
}

/**
 * A drawn picture as a step settles it: its objects (the original and its variants) are in the
 * media store already, recorded unsettled under these keys; the settle makes them the image's.
 */
export interface StoredImage {
  content_type: string
  byte_size: number
  keys: string[]
}

/** How a chapter's drawing ended: drawn, or failed for good. */
export type ChapterImageOutcome = { image: StoredImage } | { failed: true }

/** The chapter being settled, with the owners its image is stored under. */
export interface SettlingChapter {
  story_id: string
  number: number
  parent_id: string
  child_id: string
}

/**
 * Settles one chapter's first drawing and counts it on the story job, in one statement: the
 * chapter moves from pending once, its image is stored only then, and the job's counters grow only
 * then, so a retried or duplicated step never counts twice. The image's media objects are settled
 * (owned by the image) by the same statement. Concurrent steps of one story queue on
 * the job row's lock for the moment of the update, not for a transaction. The moderation decisions
 * about the drawing are written by the same statement.
 */
export function settleChapterQuery(
  db: Db,
  jobId: string,
  chapter: SettlingChapter,
  outcome: ChapterImageOutcome,
  decisions: readonly StoryDecision[] = [],
) {
  const image = 'image' in outcome ? { id: randomUUID(), ...outcome.image } : undefined
  return sql<JobRow>`
    with decisions as (${insertStoryDecisions(db, chapter.story_id, decisions)}), chapter as (
      update chapters
      set image_status = ${image ? 'ready' : 'failed'}::image_status, image_id = coalesce(${image?.id ?? null}::uuid, image_id),
        updated_at = now()
      where story_id = ${chapter.story_id} and number = ${chapter.number} and image_status = 'pending'
        and exists (select from jobs where id = ${jobId} and ${unfinished()})
      returning story_id
    ), image as (
      insert into images (id, parent_id, child_id, story_id, content_type, byte_size)
      select ${image?.id ?? null}::uuid, ${chapter.parent_id}::uuid, ${chapter.child_id}::uuid, story_id,
        ${image?.content_type ?? null}::text, ${image?.byte_size ?? 0}::integer
      from chapter
      where ${image !== undefined}::boolean
      returning id
    ), media as (
      update media_objects set image_id = image.id, settled_at = now()
      from image where key = any(${image?.keys ?? []}::text[])
    )
    update jobs
    set chapters_settled = chapters_settled + 1, chapters_illustrated = chapters_illustrated + ${image ? 1 : 0}::integer,
      status = 'running', updated_at = now(),
      percent = case when chapters_written < chapters_total
        and exists (select from stories where stories.id = ${chapter.story_id} and stories.outline is not null)
        then ${parallelPercent(sql`chapters_written + chapters_settled + 1`, sql.ref('chapters_total'))}
        else ${storyPercent('illustrating', sql`chapters_settled + 1`, sql.ref('chapters_total'))} end
    where id = ${jobId} and ${unfinished()} and exists (select from chapter)
    returning *
  `
}

/**
 * Settles a chapter's picture (see settleChapterQuery). The call that settles the last thing the
 * story waited for (an outlined story also waits for its texts, a narrated one for its narrations)
 * completes it, through the one complete path, and says so (`completedNow`): exactly one call can,
 * so a finished story is counted once. Undefined when nothing was settled (the chapter was settled
 * already, or the job is finished or gone).
 */
export const settleChapter = fanInTransition(settleChapterQuery)
