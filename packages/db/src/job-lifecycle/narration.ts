import { randomUUID } from 'node:crypto'
import { isUnfinishedJob } from '@dreamify/core'
import { sql } from 'kysely'
import type { Db, Tx } from '../database.ts'
import { jobRepository } from '../jobs.ts'
import type { JobRow } from '../schema.ts'
import type { Settled } from './chapters.ts'
import { complete } from './complete.ts'
import { fanInDone } from './fan-in.ts'
import { fail } from './finish.ts'
import { lockJobQuery } from './redraw.ts'
import { unfinished } from './unfinished.ts'

/** How a chapter's narration ended: stored audio, or failed for good. */
export type ChapterAudioOutcome = { audio: { content_type: string; bytes: Buffer } } | { failed: true }

/** The chapter being narrated, with the parent its audio is stored under. */
export interface NarratingChapter {
  story_id: string
  number: number
  parent_id: string
}

/**
 * Settles one chapter's first narration and counts it on the story job, in one statement, as
 * settleChapterQuery does for its picture: the chapter moves from pending once, its audio is stored
 * only then, and the job's narration counters grow only then, so a retried or duplicated step
 * never stores or counts twice.
 */
export function settleChapterAudioQuery(jobId: string, chapter: NarratingChapter, outcome: ChapterAudioOutcome) {
  const audio = 'audio' in outcome ? { id: randomUUID(), ...outcome.audio } : undefined
  return sql<JobRow>`
    with chapter as (
      update chapters
      set audio_status = ${audio ? 'ready' : 'failed'}::audio_status, audio_id = coalesce(${audio?.id ?? null}::uuid, audio_id),
        updated_at = now()
      where story_id = ${chapter.story_id} and number = ${chapter.number} and audio_status = 'pending'
        and exists (select from jobs where id = ${jobId} and ${unfinished()})
      returning story_id
    ), audio as (
      insert into chapter_audio (id, parent_id, story_id, content_type, bytes, byte_size)
      select ${audio?.id ?? null}::uuid, ${chapter.parent_id}::uuid, story_id, ${audio?.content_type ?? null}::text,
        ${audio?.bytes ?? null}::bytea, ${audio?.bytes.length ?? 0}::integer
      from chapter
      where ${audio !== undefined}::boolean
    )
    update jobs
    set narrations_settled = narrations_settled + 1, chapters_narrated = chapters_narrated + ${audio ? 1 : 0}::integer,
      status = 'running', updated_at = now()
    where id = ${jobId} and ${unfinished()} and exists (select from chapter)
    returning *
  `
}

/**
 * Settles a chapter's narration (see settleChapterAudioQuery). When it is the last of the fan-in
 * (every picture and every narration settled) it completes the story through the one complete
 * path, and says so. Undefined when nothing was settled.
 */
export async function settleChapterAudio(
  db: Db,
  jobId: string,
  chapter: NarratingChapter,
  outcome: ChapterAudioOutcome,
): Promise<Settled | undefined> {
  const { rows } = await settleChapterAudioQuery(jobId, chapter, outcome).execute(db)
  const settled = rows[0]
  if (!settled) return undefined
  if (!fanInDone(settled)) return { job: settled, completedNow: false }
  const completed = await complete(db, jobId)
  if (!completed) return { job: (await jobRepository.find(db, jobId)) ?? settled, completedNow: false }
  return { job: completed, completedNow: true }
}

export function lockChapterAudioQuery(tx: Db | Tx, chapter: { story_id: string; number: number }) {
  return tx
    .selectFrom('chapters')
    .select('audio_id')
    .where('story_id', '=', chapter.story_id)
    .where('number', '=', chapter.number)
    .forUpdate()
}

/** Stores the new narration and points the chapter at it, in one statement. */
export function attachChapterAudioQuery(chapter: NarratingChapter, audio: { content_type: string; bytes: Buffer }) {
  return sql`
    with audio as (
      insert into chapter_audio (parent_id, story_id, content_type, bytes, byte_size)
      values (${chapter.parent_id}::uuid, ${chapter.story_id}::uuid, ${audio.content_type}::text, ${audio.bytes}::bytea,
        ${audio.bytes.length}::integer)
      returning id
    )
    update chapters set audio_id = audio.id, audio_status = 'ready', audio_error_code = null, updated_at = now()
    from audio where story_id = ${chapter.story_id} and number = ${chapter.number}
  `
}

export function deleteAudioQuery(db: Db | Tx, audioId: string) {
  return db.deleteFrom('chapter_audio').where('id', '=', audioId)
}

/**
 * Settles a narration redone (an `audio` job) in one transaction, as settleRedraw does for a
 * picture: new audio replaces the chapter's old one and the job completes; a failed redo fails
 * the job and keeps what the chapter had.
 */
export function settleAudioRedo(
  db: Db,
  jobId: string,
  chapter: NarratingChapter,
  outcome: ChapterAudioOutcome,
): Promise<JobRow | undefined> {
  return db.transaction().execute(async (tx) => {
    const job = await lockJobQuery(tx, jobId).executeTakeFirst()
    if (!job || !isUnfinishedJob(job.status)) return undefined
    const current = 'audio' in outcome ? await lockChapterAudioQuery(tx, chapter).executeTakeFirst() : undefined
    if (!current || !('audio' in outcome)) {
      return fail(tx, jobId, {
        code: 'NARRATION_UNAVAILABLE',
        message: `chapter ${chapter.number} could not be narrated again`,
      })
    }
    await attachChapterAudioQuery(chapter, outcome.audio).execute(tx)
    if (current.audio_id) await deleteAudioQuery(tx, current.audio_id).execute()
    return complete(tx, jobId)
  })
}
