import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { chapterRepository } from './chapters.ts'
import type { Db } from './database.ts'
import { imageRepository } from './images.ts'
import { jobRepository } from './jobs.ts'
import type { JobRow } from './schema.ts'

// How a story job's percent moves: writing fills the first 40 %, illustrating the next 55 %
// (40 + 55 × settled ÷ total, computed in settleChapterImage), and the last settle makes it 100.
// Each figure only ever grows (greatest(percent, …)).
export const PERCENT = {
  started: 2,
  written: (written: number, total: number) => 5 + (35 * written) / total,
}

/**
 * Saves chapters' text (each once) and moves the story job's progress, in one statement, however
 * many chapters the parser found at once (one while streaming, all of them without). Chapters
 * arrive in order, so chapter n being saved means n are written. Returns the job as it now is
 * (undefined when it is finished or gone: cancelled or deleted, which tells the text step to stop)
 * and the numbers of the chapters this call saved (a retried step meeting saved ones saves none).
 */
export async function recordChaptersWritten(
  db: Db,
  jobId: string,
  story: { id: string; chapters_total: number },
  chapters: ReadonlyArray<{ number: number; title: string; content: string }>,
): Promise<{ job: JobRow | undefined; inserted: number[] }> {
  const written = Math.max(...chapters.map((c) => c.number))
  const row = await db
    .with('inserted', (db) =>
      db
        .insertInto('chapters')
        .values(chapters.map((chapter) => ({ story_id: story.id, ...chapter })))
        .onConflict((oc) => oc.columns(['story_id', 'number']).doNothing())
        .returning('number'),
    )
    .updateTable('jobs')
    .set({
      status: 'running',
      stage: written < story.chapters_total ? 'writing' : 'illustrating',
      percent: sql<number>`greatest(percent, ${Math.round(PERCENT.written(written, story.chapters_total))})`,
      updated_at: new Date(),
    })
    .where('id', '=', jobId)
    .where('status', 'in', ['queued', 'running'])
    .returningAll()
    .returning(sql<number[]>`(select coalesce(array_agg(number order by number), '{}') from inserted)`.as('inserted'))
    .executeTakeFirst()
  if (!row) return { job: undefined, inserted: [] }
  const { inserted, ...job } = row
  return { job, inserted }
}

export type ChapterImageOutcome = { image: { content_type: string; bytes: Buffer } } | { failed: true }

/** The chapter being settled, with the owners its image is stored under. */
export interface SettlingChapter {
  story_id: string
  number: number
  parent_id: string
  child_id: string
}

/**
 * Settles one chapter's first drawing (drawn, or failed for good) and counts it on the story job,
 * in one statement: the chapter moves from pending once, its image is stored only then, and the
 * job's counters grow only then, so a retried step never counts twice. The step that settles the
 * last chapter completes the story in the same statement (the fan-in). Concurrent steps of one
 * story queue on the job row's lock for the moment of the update, not for a transaction.
 * Returns the job as it now is, or undefined when nothing was settled (the chapter was settled
 * already, or the job is finished or gone).
 */
export async function settleChapterImage(
  db: Db,
  jobId: string,
  chapter: SettlingChapter,
  outcome: ChapterImageOutcome,
): Promise<JobRow | undefined> {
  const image = 'image' in outcome ? { id: randomUUID(), ...outcome.image } : undefined
  const { rows } = await sql<JobRow>`
    with chapter as (
      update chapters
      set image_status = ${image ? 'ready' : 'failed'}::image_status, image_id = coalesce(${image?.id ?? null}::uuid, image_id), updated_at = now()
      where story_id = ${chapter.story_id} and number = ${chapter.number} and image_status = 'pending'
        and exists (select from jobs where id = ${jobId} and status in ('queued', 'running'))
      returning story_id
    ), image as (
      insert into images (id, parent_id, child_id, story_id, content_type, bytes, byte_size)
      select ${image?.id ?? null}::uuid, ${chapter.parent_id}::uuid, ${chapter.child_id}::uuid, story_id, ${image?.content_type ?? null}::text,
        ${image?.bytes ?? null}::bytea, ${image?.bytes.length ?? 0}::integer
      from chapter
      where ${image !== undefined}::boolean
    ), job as (
      update jobs
      set chapters_settled = chapters_settled + 1,
        chapters_illustrated = chapters_illustrated + ${image ? 1 : 0}::integer,
        status = case when chapters_settled + 1 >= chapters_total then 'completed'::job_status else 'running'::job_status end,
        stage = case when chapters_settled + 1 >= chapters_total then 'done'::job_stage else stage end,
        percent = case when chapters_settled + 1 >= chapters_total then 100
          else greatest(percent, least(95, round(40 + 55.0 * (chapters_settled + 1) / chapters_total)::integer)) end,
        finished_at = case when chapters_settled + 1 >= chapters_total then now() else finished_at end,
        updated_at = now()
      where id = ${jobId} and status in ('queued', 'running') and exists (select from chapter)
      returning *
    ), story as (
      update stories set completed_at = now() from job where stories.id = job.story_id and job.status = 'completed'
    )
    select * from job
  `.execute(db)
  return rows[0]
}

/**
 * Completes a story job whose every chapter is settled although no settle completed it, with the
 * story's completed_at, in one statement: a retried story whose chapters were all drawn already
 * (a cancellation can land between the last chapter's drawing and its job's count), which its text
 * step finds on starting. Returns the completed job, or undefined when the job is not settled yet,
 * already finished or gone.
 */
export async function completeStoryIfSettled(db: Db, jobId: string): Promise<JobRow | undefined> {
  const { rows } = await sql<JobRow>`
    with job as (
      update jobs
      set status = 'completed', stage = 'done', percent = 100, error_code = null, error_message = null, updated_at = now(), finished_at = now()
      where id = ${jobId} and kind = 'story' and status in ('queued', 'running') and chapters_settled >= chapters_total
      returning *
    ), story as (
      update stories set completed_at = now() from job where stories.id = job.story_id
    )
    select * from job
  `.execute(db)
  return rows[0]
}

/**
 * Settles a redraw (an `image` job): a new picture replaces the chapter's old one; a failed redraw
 * keeps the picture the chapter already had. Returns the finished job, or undefined when the job
 * was finished or gone.
 */
export async function settleRedraw(
  db: Db,
  jobId: string,
  chapter: SettlingChapter,
  outcome: ChapterImageOutcome,
): Promise<JobRow | undefined> {
  return db.transaction().execute(async (tx) => {
    const job = await jobRepository.lock(tx, jobId)
    if (!job || (job.status !== 'queued' && job.status !== 'running')) return undefined
    const current = 'image' in outcome ? await chapterRepository.lock(tx, chapter.story_id, chapter.number) : undefined
    if (!current || !('image' in outcome)) {
      return jobRepository.fail(tx, jobId, {
        code: 'IMAGE_UNAVAILABLE',
        message: `chapter ${chapter.number} could not be drawn again`,
      })
    }
    const imageId = await imageRepository.insert(tx, {
      parent_id: chapter.parent_id,
      child_id: chapter.child_id,
      story_id: chapter.story_id,
      ...outcome.image,
    })
    await chapterRepository.attachImage(tx, chapter.story_id, chapter.number, imageId)
    if (current.image_id) await imageRepository.delete(tx, current.image_id)
    return jobRepository.complete(tx, jobId)
  })
}
