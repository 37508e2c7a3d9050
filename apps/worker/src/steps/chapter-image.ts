import { FINISHED_JOB_STATUSES, QUEUES } from '@dreamify/core'
import { chapterRepository, jobRepository, settleChapterImage, settleRedraw, stepContextRepository } from '@dreamify/db'
import { describeCharacter } from '@dreamify/prompts'
import { drawModerated } from '../safety/image-screen.ts'
import type { StepDefinition } from './definition.ts'

/**
 * Draws one chapter's illustration and settles it: the story job completes when its last chapter
 * settles. A chapter already drawn is never drawn (or paid for) again, except by an explicit
 * redraw, which has a job of its own (kind `image`).
 */
export const chapterImageStep: StepDefinition<typeof QUEUES.chapterImage> = {
  queue: QUEUES.chapterImage,
  concurrency: (config) => config.worker.imageConcurrency,
  ratePerMinute: (config) => config.worker.imagesPerMinute,
  ownerJobId: ({ jobId }) => jobId,

  async run({ jobId, storyId, chapterNumber }, { db, provider, signal, events, safety }) {
    const found = await stepContextRepository.forChapterImage(db, jobId, storyId, chapterNumber)
    if (!found || FINISHED_JOB_STATUSES.includes(found.job.status)) return
    const { job, chapter, child, style } = found
    const isRedraw = job.kind === 'image'
    // Settled by an earlier try, whose settle also completed the story if it was the last.
    if (!isRedraw && chapter.image_status !== 'pending') return
    if (isRedraw) {
      const started = await jobRepository.advance(db, jobId, { stage: 'illustrating', percent: 10, attempt: true })
      if (!started) return
      await events.state(started)
    }

    const drawing = { storyId, jobId, chapter, character: describeCharacter(child), style, childName: child.name }
    const image = await drawModerated(safety, provider, drawing, signal)
    const outcome = { image: { content_type: image.contentType, bytes: image.bytes } }
    const settled = isRedraw
      ? await settleRedraw(db, jobId, chapter, outcome)
      : await settleChapterImage(db, jobId, chapter, outcome)
    if (!settled) return
    // then a stage event, or `completed` when this chapter was the last to settle
    await events.chapters(jobId, 'chapter_illustrated', [{ number: chapterNumber, title: chapter.title }], settled)
  },

  // An illustration that fails for good leaves its story complete with that chapter marked failed.
  async fail({ jobId, storyId, chapterNumber }, failure, { db }) {
    const found = await stepContextRepository.forChapterImage(db, jobId, storyId, chapterNumber)
    if (!found) return undefined
    await chapterRepository.recordImageFailure(db, storyId, chapterNumber, failure.code)
    const outcome = { failed: true } as const
    return found.job.kind === 'image'
      ? settleRedraw(db, jobId, found.chapter, outcome)
      : settleChapterImage(db, jobId, found.chapter, outcome)
  },
}
