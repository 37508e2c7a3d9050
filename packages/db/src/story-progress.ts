import type { Db } from './database.ts'
import { chapterRepository } from './chapters.ts'
import { imageRepository } from './images.ts'
import { jobRepository } from './jobs.ts'
import { storyRepository } from './stories.ts'

// How a story job's percent moves: writing fills the first 40 %, illustrating the next 55 %,
// the last 5 % is the final save. Each figure only ever grows (see jobRepository.advance).
export const PERCENT = {
  started: 2,
  written: (written: number, total: number) => 5 + (35 * written) / total,
  illustrated: (settled: number, total: number) => 40 + (55 * settled) / total,
}

/**
 * Saves a chapter's text (once) and moves the story job's progress. Returns false when the job
 * is finished or gone (cancelled, deleted), which tells the text step to stop.
 */
export async function recordChapterWritten(
  db: Db,
  jobId: string,
  story: { id: string; chapters_total: number },
  chapter: { number: number; title: string; content: string },
): Promise<{ alive: boolean; inserted: boolean }> {
  const inserted = await chapterRepository.insertIfAbsent(db, { story_id: story.id, ...chapter })
  const { written } = await chapterRepository.tally(db, story.id)
  const job = await jobRepository.advance(db, jobId, {
    stage: written < story.chapters_total ? 'writing' : 'illustrating',
    percent: PERCENT.written(written, story.chapters_total),
  })
  return { alive: job !== undefined, inserted }
}

export type ChapterImageOutcome = { image: { content_type: string; bytes: Buffer } } | { failed: true }

/**
 * Settles one chapter's illustration (drawn, or failed for good) and, when every chapter of a
 * fully written story is settled, completes the story job: the fan-in. The job row is locked so
 * concurrent image steps of one story settle one at a time and exactly one of them completes it.
 * `jobId` is the job being reported to: the story's own, or an `image` job for a redraw.
 */
export async function settleChapterImage(db: Db, jobId: string, storyId: string, chapterNumber: number, outcome: ChapterImageOutcome) {
  return db.transaction().execute(async (tx) => {
    const job = await jobRepository.lock(tx, jobId)
    const story = await storyRepository.find(tx, storyId)
    const chapter = await chapterRepository.lock(tx, storyId, chapterNumber)
    if (!job || !story || !chapter || (job.status !== 'queued' && job.status !== 'running')) return { settled: false, completed: false }

    const isRedraw = job.kind === 'image'
    if ('image' in outcome) {
      const imageId = await imageRepository.insert(tx, { parent_id: story.parent_id, child_id: story.child_id, story_id: storyId, ...outcome.image })
      await chapterRepository.attachImage(tx, storyId, chapterNumber, imageId)
      if (chapter.image_id) await imageRepository.delete(tx, chapter.image_id)
    } else if (!isRedraw || chapter.image_status !== 'ready') {
      // A failed redraw keeps the picture the chapter already had.
      await chapterRepository.setImageStatus(tx, storyId, chapterNumber, 'failed')
    }

    if (isRedraw) {
      if ('image' in outcome) await jobRepository.complete(tx, jobId)
      else await jobRepository.fail(tx, jobId, { code: 'IMAGE_UNAVAILABLE', message: `chapter ${chapterNumber} could not be drawn again` })
      return { settled: true, completed: true }
    }

    const tally = await chapterRepository.tally(tx, storyId)
    await jobRepository.advance(tx, jobId, {
      chapters_illustrated: tally.illustrated,
      percent: PERCENT.illustrated(tally.settled, story.chapters_total),
      ...(tally.written === story.chapters_total && tally.settled === story.chapters_total ? { stage: 'saving' as const } : {}),
    })
    const completed = tally.written === story.chapters_total && tally.settled === story.chapters_total
    if (completed) {
      await jobRepository.complete(tx, jobId)
      await storyRepository.markCompleted(tx, storyId)
    }
    return { settled: true, completed }
  })
}

/** The fan-in check on its own, for when the text step finds every chapter already settled (a resumed job). */
export async function completeStoryIfSettled(db: Db, jobId: string, storyId: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const job = await jobRepository.lock(tx, jobId)
    const story = await storyRepository.find(tx, storyId)
    if (!job || !story || (job.status !== 'queued' && job.status !== 'running')) return false
    const tally = await chapterRepository.tally(tx, storyId)
    if (tally.written !== story.chapters_total || tally.settled !== story.chapters_total) return false
    await jobRepository.complete(tx, jobId)
    await storyRepository.markCompleted(tx, storyId)
    return true
  })
}
