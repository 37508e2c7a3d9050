import {
  chapterRepository,
  type Db,
  type JobRow,
  jobLifecycle,
  type Settled,
  stepContextRepository,
} from '@dreamify/db'
import type { StepContext, StepFailure } from './definition.ts'

type Settling = Pick<StepContext, 'db' | 'events' | 'storyFinished'>

/**
 * Completes a story whose every part is already settled, when a resumed step finds its work done
 * (a retry, a crash, or a completing statement lost after the last settle): counted and announced
 * only when this call completed it.
 */
export async function completeSettledStory({ db, events, storyFinished }: Settling, jobId: string): Promise<void> {
  const completed = await jobLifecycle.complete(db, jobId)
  if (completed) storyFinished(completed)
  await events.state(completed)
}

/** Starts a redo's own job (a redrawn picture, a chapter read again); false when it was cancelled or deleted meanwhile. */
export async function startRedo({ db, events }: Pick<StepContext, 'db' | 'events'>, jobId: string): Promise<boolean> {
  const started = await jobLifecycle.startDrawing(db, jobId)
  if (!started) return false
  await events.state(started)
  return true
}

/**
 * The settle of one chapter's part (its picture, its narration), from the two statements that can
 * settle it: a redo settles on its own job; a story's chapter settles in the fan-in, counting a
 * story it completes. The settle resolves to the job as it now is.
 */
export function chapterSettle<C, O, D extends unknown[]>(
  redo: (db: Db, jobId: string, chapter: C, outcome: O) => Promise<JobRow | undefined>,
  fanIn: (db: Db, jobId: string, chapter: C, outcome: O, ...decisions: D) => Promise<Settled | undefined>,
) {
  return async (
    db: Db,
    jobId: string,
    isRedo: boolean,
    chapter: C,
    outcome: O,
    storyFinished: (job: JobRow) => void,
    ...decisions: D
  ): Promise<JobRow | undefined> => {
    if (isRedo) return redo(db, jobId, chapter, outcome)
    const settled = await fanIn(db, jobId, chapter, outcome, ...decisions)
    if (settled?.completedNow) storyFinished(settled.job)
    return settled?.job
  }
}

/** Settles a chapter's picture: a redraw on its own job, a story's chapter in the fan-in. */
export const settleDrawing = chapterSettle(jobLifecycle.settleRedraw, jobLifecycle.settleChapter)

/** Settles a chapter's narration: a redo on its own job, a story's chapter in the fan-in. */
export const settleNarration = chapterSettle(jobLifecycle.settleAudioRedo, jobLifecycle.settleChapterAudio)

interface ChapterPayload {
  jobId: string
  storyId: string
  chapterNumber: number
}

/**
 * The `fail` of a chapter's part that fails for good: the failure recorded on the chapter, then the
 * part settled as failed, so that its story still completes (without that picture or narration).
 */
export function failChapterPart<C>(
  redoKind: JobRow['kind'],
  find: (
    db: Db,
    jobId: string,
    storyId: string,
    chapterNumber: number,
  ) => Promise<{ job: Pick<JobRow, 'kind'>; chapter: C } | undefined>,
  recordFailure: (db: Db, storyId: string, chapterNumber: number, code: string) => Promise<void>,
  settle: ReturnType<typeof chapterSettle<C, { failed: true }, []>>,
) {
  return async (
    { jobId, storyId, chapterNumber }: ChapterPayload,
    failure: StepFailure,
    { db, storyFinished }: Pick<StepContext, 'db' | 'storyFinished'>,
  ): Promise<JobRow | undefined> => {
    const found = await find(db, jobId, storyId, chapterNumber)
    if (!found) return undefined
    await recordFailure(db, storyId, chapterNumber, failure.code)
    return settle(db, jobId, found.job.kind === redoKind, found.chapter, { failed: true }, storyFinished)
  }
}

/** A picture that cannot be drawn: the chapter's image marked failed, its story completes without it. */
export const failDrawing = failChapterPart(
  'image',
  stepContextRepository.forChapterImage,
  chapterRepository.recordImageFailure,
  settleDrawing,
)

/** A narration that cannot be read: the chapter's audio marked failed, its story completes without it. */
export const failNarration = failChapterPart(
  'audio',
  stepContextRepository.forChapterAudio,
  chapterRepository.recordAudioFailure,
  settleNarration,
)
