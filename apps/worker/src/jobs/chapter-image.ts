import { FINISHED_JOB_STATUSES, QUEUES } from '@dreamify/core'
import { chapterRepository, childRepository, completeStoryIfSettled, jobRepository, settleChapterImage, storyRepository } from '@dreamify/db'
import { buildImagePrompt, describeCharacter } from '@dreamify/prompts'
import type { JobDefinition } from './definition.ts'

/**
 * Draws one chapter's illustration and settles it: the story job completes when its last chapter
 * settles (see settleChapterImage). A chapter already drawn is never drawn (or paid for) again,
 * except by an explicit redraw, which has a job of its own.
 */
export const chapterImageJob: JobDefinition<typeof QUEUES.chapterImage> = {
  queue: QUEUES.chapterImage,
  concurrency: (config) => config.worker.imageConcurrency,
  ratePerMinute: (config) => config.worker.imagesPerMinute,
  ownerJobId: ({ jobId }) => jobId,

  async run({ jobId, storyId, chapterNumber }, { db, provider, signal, events }) {
    const job = await jobRepository.find(db, jobId)
    const chapter = await chapterRepository.find(db, storyId, chapterNumber)
    if (!job || !chapter || FINISHED_JOB_STATUSES.includes(job.status)) return
    const isRedraw = job.kind === 'image'
    if (!isRedraw && chapter.image_status !== 'pending') {
      if (await completeStoryIfSettled(db, jobId, storyId)) await events.state(jobId)
      return
    }
    const story = await storyRepository.find(db, storyId)
    const child = story && (await childRepository.find(db, story.child_id))
    if (!story || !child) return
    if (isRedraw) {
      const started = await jobRepository.advance(db, jobId, { stage: 'illustrating', percent: 10, attempt: true })
      if (!started) return
      await events.state(started)
    }

    const prompt = buildImagePrompt({ character: describeCharacter(child), chapter, style: story.image_style })
    const image = await provider.drawImage(prompt, signal, 'chapter')
    const settled = await settleChapterImage(db, jobId, storyId, chapterNumber, { image: { content_type: image.contentType, bytes: image.bytes } })
    if (!settled.settled) return
    await events.chapter(jobId, 'chapter_illustrated', { number: chapterNumber, title: chapter.title })
    // a stage event, or `completed` when this chapter was the last to settle
    await events.state(jobId)
  },

  // An illustration that fails for good leaves its story complete with that chapter marked failed.
  async fail({ jobId, storyId, chapterNumber }, _failure, { db }) {
    await settleChapterImage(db, jobId, storyId, chapterNumber, { failed: true })
  },
}
