import { sql } from 'kysely'
import type { Db, Tx } from '../database.ts'
import type { JobRow } from '../schema.ts'
import { fanInTransition } from './fan-in.ts'
import { type ChapterRedo, settleRedo } from './redraw.ts'
import { unfinished } from './unfinished.ts'

/** How a chapter's narration ended: audio stored in the media store under `key` (not yet settled), or failed for good. */
export type ChapterAudioOutcome = { audio: { content_type: string; key: string } } | { failed: true }

/** The chapter being narrated, with the parent its audio is stored under. */
export interface NarratingChapter {
  story_id: string
  number: number
  parent_id: string
}

/**
 * Settles one chapter's first narration and counts it on the story job, in one statement, as
 * settleChapterQuery does for its picture: the chapter moves from pending once, its audio object
 * (stored by the step under a key of the job and chapter) is settled only then, and the job's
 * narration counters grow only then, so a retried or duplicated step never counts twice.
 */
export function settleChapterAudioQuery(jobId: string, chapter: NarratingChapter, outcome: ChapterAudioOutcome) {
  const key = 'audio' in outcome ? outcome.audio.key : null
  return sql<JobRow>`
    with chapter as (
      update chapters
      set audio_status = ${key ? 'ready' : 'failed'}::audio_status, audio_key = coalesce(${key}::text, audio_key),
        updated_at = now()
      where story_id = ${chapter.story_id} and number = ${chapter.number} and audio_status = 'pending'
        and exists (select from jobs where id = ${jobId} and ${unfinished()})
      returning story_id
    ), media as (
      update media_objects set settled_at = now() from chapter where key = ${key}::text
    )
    update jobs
    set narrations_settled = narrations_settled + 1, chapters_narrated = chapters_narrated + ${key ? 1 : 0}::integer,
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
export const settleChapterAudio = fanInTransition(
  (_db, jobId, chapter: NarratingChapter, outcome: ChapterAudioOutcome) =>
    settleChapterAudioQuery(jobId, chapter, outcome),
)

/** Points the chapter at the new narration and settles its object, in one statement. */
export function attachChapterAudioQuery(chapter: NarratingChapter, audio: { key: string }) {
  return sql`
    with media as (
      update media_objects set settled_at = now() where key = ${audio.key}::text
    )
    update chapters set audio_key = ${audio.key}::text, audio_status = 'ready', audio_error_code = null, updated_at = now()
    where story_id = ${chapter.story_id} and number = ${chapter.number}
  `
}

/** An audio object nothing plays any more (the one a redo replaced); its bytes' deletion is queued by the trigger. */
export function deleteAudioQuery(db: Db | Tx, key: string) {
  return db.deleteFrom('media_objects').where('key', '=', key)
}

const audioRedo: ChapterRedo<NarratingChapter, { key: string }> = {
  failure: (chapter) => ({
    code: 'NARRATION_UNAVAILABLE',
    message: `chapter ${chapter.number} could not be narrated again`,
  }),
  column: 'audio_key',
  attach: attachChapterAudioQuery,
  replaced: (current, audio) => (current === audio.key ? null : current),
  deleteReplaced: deleteAudioQuery,
}

/**
 * Settles a narration redone (an `audio` job), as settleRedraw does for a picture: new audio
 * replaces the chapter's old one and the job completes; a failed redo fails the job and keeps what
 * the chapter had.
 */
export function settleAudioRedo(db: Db, jobId: string, chapter: NarratingChapter, outcome: ChapterAudioOutcome) {
  return settleRedo(db, jobId, audioRedo, chapter, 'audio' in outcome ? outcome.audio : undefined)
}
