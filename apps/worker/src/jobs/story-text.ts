import { FINISHED_JOB_STATUSES, QUEUES, queueJobId, type Queues } from '@dreamify/core'
import {
  chapterRepository, childRepository, completeStoryIfSettled, jobRepository, PERCENT, recordChapterWritten, storyRepository,
} from '@dreamify/db'
import { buildStoryMessages, createStoryStreamParser, StoryFormatError, type StoryStreamEvent } from '@dreamify/prompts'
import { ProviderError } from '../providers/index.ts'
import type { JobContext, JobDefinition } from './definition.ts'

/** How many times an answer that is not a story in the requested shape is asked for again. */
export const MAX_PARSE_ATTEMPTS = 3

export function enqueueChapterImage(queues: Queues, jobId: string, storyId: string, chapterNumber: number) {
  return queues[QUEUES.chapterImage].add(
    QUEUES.chapterImage,
    { jobId, storyId, chapterNumber },
    { jobId: queueJobId.chapterImage(jobId, chapterNumber) },
  )
}

/**
 * Writes the story's text. With streaming on, each chapter is saved and its illustration enqueued
 * the moment its text is complete, while later chapters are still being written. Saved chapters
 * are never written again: a retried or resumed step only adds the ones that are missing.
 */
export const storyTextJob: JobDefinition<typeof QUEUES.storyText> = {
  queue: QUEUES.storyText,
  concurrency: (config) => config.worker.textConcurrency,
  ratePerMinute: (config) => config.worker.textRequestsPerMinute,
  ownerJobId: ({ jobId }) => jobId,

  async run({ jobId }, context) {
    const { db, queues, logger } = context
    const job = await jobRepository.find(db, jobId)
    if (!job || FINISHED_JOB_STATUSES.includes(job.status) || !job.story_id) return
    const story = await storyRepository.find(db, job.story_id)
    const child = story && (await childRepository.find(db, story.child_id))
    if (!story || !child) return
    const started = await jobRepository.advance(db, jobId, { stage: 'writing', percent: PERCENT.started, attempt: true })
    if (!started) return
    await context.events.state(started)

    const saved = await chapterRepository.listByStory(db, story.id)
    if (saved.length < story.chapters_total) {
      const alive = await writeMissingChapters(context, jobId, story, child)
      if (!alive) return
    } else {
      logger.debug('text already saved; resuming at the illustrations')
    }

    for (const chapter of await chapterRepository.listByStory(db, story.id)) {
      if (chapter.image_status === 'pending') await enqueueChapterImage(queues, jobId, story.id, chapter.number)
    }
    await context.events.state(await jobRepository.advance(db, jobId, { stage: 'illustrating', percent: PERCENT.written(story.chapters_total, story.chapters_total) }))
    if (await completeStoryIfSettled(db, jobId, story.id)) await context.events.state(jobId)
  },

  async fail({ jobId }, failure, { db }) {
    await jobRepository.fail(db, jobId, failure)
  },
}

type Story = NonNullable<Awaited<ReturnType<typeof storyRepository.find>>>
type Child = NonNullable<Awaited<ReturnType<typeof childRepository.find>>>

/** Returns false when the job was cancelled or deleted meanwhile. */
async function writeMissingChapters(context: JobContext, jobId: string, story: Story, child: Child): Promise<boolean> {
  const { db, provider, queues, config, logger, signal } = context
  const format = provider.storyFormat
  const input = { child, topic: story.topic, genre: story.story_genre, chapters: story.chapters_total, format }
  const messages = buildStoryMessages(input)
  const eager = config.generation.streaming

  for (let attempt = 1; attempt <= MAX_PARSE_ATTEMPTS; attempt++) {
    const parser = createStoryStreamParser({ format, chapters: story.chapters_total })
    let alive = true
    const handle = async (events: StoryStreamEvent[]) => {
      for (const event of events) {
        if (event.type === 'title') {
          await storyRepository.setTitleIfMissing(db, story.id, event.title)
          continue
        }
        const { number, title, content } = event
        const recorded = await recordChapterWritten(db, jobId, story, { number, title, content })
        alive &&= recorded.alive
        // Published before its image is enqueued, so chapter_illustrated always comes after it.
        if (recorded.inserted) await context.events.chapter(jobId, 'chapter_written', { number, title })
        if (recorded.alive) await context.events.state(jobId)
        if (recorded.alive && eager) await enqueueChapterImage(queues, jobId, story.id, number)
      }
    }
    try {
      const pending: StoryStreamEvent[] = []
      for await (const delta of provider.writeStory({ ...input, messages, stream: eager }, signal)) {
        const events = parser.push(delta)
        // Saving as we go is the point of streaming; without it, nothing is saved until the whole story checks out.
        if (eager) await handle(events)
        else pending.push(...events)
        if (!alive) return false
      }
      const { draft, events } = parser.end()
      // A malformed earlier answer may have streamed a title; the story keeps the one that parsed.
      await storyRepository.setTitle(db, story.id, draft.title)
      await handle([...pending, ...events])
      return alive
    } catch (error) {
      if (!(error instanceof StoryFormatError)) throw error
      logger.warn({ reason: error.reason, attempt }, 'the provider answered something that is not a story in the requested shape')
    }
  }
  throw new ProviderError('permanent', 'STORY_UNPARSEABLE', `the provider's answer was not a valid ${story.chapters_total}-chapter story after ${MAX_PARSE_ATTEMPTS} attempts`)
}
