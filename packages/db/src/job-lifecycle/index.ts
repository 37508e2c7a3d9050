import { findDrawnImage, keepDrawnImage, settleAvatar } from './avatar.ts'
import { recordChaptersWritten, settleChapter } from './chapters.ts'
import { complete } from './complete.ts'
import { cancel, fail } from './finish.ts'
import { settleAudioRedo, settleChapterAudio } from './narration.ts'
import { recordChapterText, recordOutline } from './outline.ts'
import { settleRedraw } from './redraw.ts'
import { retryStory } from './retry.ts'
import { listStale, touch } from './stale.ts'
import { startDrawing, startStory } from './start.ts'

/**
 * Every change of a job's status, in one place: the promise that no accepted job is lost and no
 * step's work is counted twice. Each transition moves only an unfinished job (one predicate,
 * `unfinished()`), and returns the row only when this very call changed it, so a caller can tell
 * "I did it" from "it was done already, or stopped". The SQL of each is kept for review in
 * packages/db/test/queries/ (see sql-catalogue.ts).
 */
export const jobLifecycle = {
  /** a story's text step starts, or resumes where its saved chapters say */
  startStory,
  /** a one-picture job (avatar, redraw) starts */
  startDrawing,
  recordChaptersWritten,
  /** an outlined story's plan is saved with its unwritten chapters (once) */
  recordOutline,
  /** one outlined chapter's text is saved; the last thing a story waited for completes it (`completedNow`) */
  recordChapterText,
  /** a chapter's first drawing is settled; the last one completes the story (`completedNow`) */
  settleChapter,
  /** a chapter's first narration is settled; the last of the fan-in completes the story (`completedNow`) */
  settleChapterAudio,
  complete,
  fail,
  cancel,
  retryStory,
  settleRedraw,
  /** a chapter narrated again (an `audio` job) replaces its narration, or fails keeping it */
  settleAudioRedo,
  findDrawnImage,
  keepDrawnImage,
  settleAvatar,
  /** the reconciler's work list: unfinished jobs that have not moved for a while */
  listStale,
  touch,
}

export type { DrawnAvatar } from './avatar.ts'
export type { ChapterImageOutcome, SettlingChapter, WrittenChapter } from './chapters.ts'
export { fanInDone, type Settled } from './fan-in.ts'
export type { ChapterAudioOutcome, NarratingChapter } from './narration.ts'
export { PERCENT } from './percent.ts'
export { RETRYABLE_JOB_STATUSES, type StoryRetry } from './retry.ts'
export { type LifecycleStatement, lifecycleSql } from './sql-catalogue.ts'
export type { StartedStory } from './start.ts'
export { unfinished } from './unfinished.ts'
