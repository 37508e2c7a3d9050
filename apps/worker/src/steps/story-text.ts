import { addAgain, QUEUES, queueJobId } from '@dreamify/core'
import { type ChildProfile, jobLifecycle, type StartedStory, storyRepository } from '@dreamify/db'
import { buildStoryMessages, createStoryStreamParser, StoryFormatError, type StoryStreamEvent } from '@dreamify/prompts'
import { ProviderError } from '../providers/index.ts'
import type { StepContext, StepDefinition } from './definition.ts'

/** How many times an answer that is not a story in the requested shape is asked for again. */
export const MAX_PARSE_ATTEMPTS = 3

/** The illustration jobs of these chapters, under their deterministic ids. */
const chapterImageJobs = (jobId: string, storyId: string, chapterNumbers: readonly number[]) =>
  chapterNumbers.map((chapterNumber) => ({
    name: QUEUES.chapterImage,
    data: { jobId, storyId, chapterNumber },
    opts: { jobId: queueJobId.chapterImage(jobId, chapterNumber) },
  }))

/**
 * Writes the story's text. With streaming on, each chapter is saved and its illustration enqueued
 * the moment its text is complete, while later chapters are still being written. Saved chapters
 * are never written again: a retried or resumed step only adds the ones that are missing.
 */
export const storyTextStep: StepDefinition<typeof QUEUES.storyText> = {
  queue: QUEUES.storyText,
  concurrency: (config) => config.worker.textConcurrency,
  ratePerMinute: (config) => config.worker.textRequestsPerMinute,
  ownerJobId: ({ jobId }) => jobId,

  async run({ jobId }, context) {
    const { db, queues, logger, events, storyFinished } = context
    const started = await jobLifecycle.startStory(db, jobId)
    if (!started) return
    const { job, story, child, saved } = started
    await events.state(job)
    // Chapters saved by an earlier try whose illustrations may never have been enqueued, or whose
    // settle was lost (a Postgres failover) after their queue job finished.
    if (saved.pending.length > 0)
      await addAgain(queues[QUEUES.chapterImage], chapterImageJobs(jobId, story.id, saved.pending))

    if (saved.count < story.chapters_total) {
      await writeMissingChapters(context, jobId, story, child)
    } else {
      logger.debug('text already saved; resuming at the illustrations')
      // Every chapter settled but the story not completed: a cancellation landed between the last
      // drawing and its count, and this is the retry (or the completing statement was lost).
      if (job.chapters_settled >= job.chapters_total) {
        const completed = await jobLifecycle.complete(db, jobId)
        if (completed) storyFinished(completed)
        await events.state(completed)
      }
    }
  },

  fail: ({ jobId }, failure, { db }) => jobLifecycle.fail(db, jobId, failure),
}

type Story = StartedStory['story']

/** Stops early (without error) when the job was cancelled or deleted meanwhile. */
async function writeMissingChapters(
  context: StepContext,
  jobId: string,
  story: Story,
  child: ChildProfile,
): Promise<void> {
  const { db, provider, queues, config, logger, signal, events } = context
  const format = provider.storyFormat
  const input = { child, topic: story.topic, genre: story.story_genre, chapters: story.chapters_total, format }
  const messages = buildStoryMessages(input)
  const eager = config.generation.streaming

  for (let attempt = 1; attempt <= MAX_PARSE_ATTEMPTS; attempt++) {
    const parser = createStoryStreamParser({ format, chapters: story.chapters_total })
    let alive = true
    let shownTitle: string | undefined
    // Saves what the parser found in one statement, then enqueues the new chapters' illustrations in one go.
    const handle = async (found: StoryStreamEvent[]) => {
      const chapters: Array<{ number: number; title: string; content: string }> = []
      for (const event of found) {
        if (event.type === 'chapter')
          chapters.push({ number: event.number, title: event.title, content: event.content })
        else if (eager && (await storyRepository.setTitleIfMissing(db, story.id, event.title))) shownTitle = event.title
      }
      if (chapters.length === 0) return
      const recorded = await jobLifecycle.recordChaptersWritten(db, jobId, story, chapters)
      if (!recorded.job) {
        alive = false
        return
      }
      // Published before their images are enqueued, so chapter_illustrated always comes after chapter_written.
      const saved = chapters.filter((c) => recorded.inserted.includes(c.number))
      await events.chapters(jobId, 'chapter_written', saved, recorded.job)
      if (recorded.inserted.length > 0)
        await queues[QUEUES.chapterImage].addBulk(chapterImageJobs(jobId, story.id, recorded.inserted))
    }
    try {
      const pending: StoryStreamEvent[] = []
      for await (const delta of provider.writeStory({ ...input, messages, stream: eager }, signal)) {
        const found = parser.push(delta)
        // Saving as we go is the point of streaming; without it, nothing is saved until the whole story checks out.
        if (eager) await handle(found)
        else pending.push(...found)
        if (!alive) return
      }
      const { draft, events: rest } = parser.end()
      // A malformed earlier answer may have streamed a title; the story keeps the one that parsed.
      if (draft.title !== shownTitle) await storyRepository.setTitle(db, story.id, draft.title)
      await handle([...pending, ...rest])
      return
    } catch (error) {
      if (!(error instanceof StoryFormatError)) throw error
      logger.warn(
        { reason: error.reason, attempt },
        'the provider answered something that is not a story in the requested shape',
      )
    }
  }
  throw new ProviderError(
    'permanent',
    'STORY_UNPARSEABLE',
    `the provider's answer was not a valid ${story.chapters_total}-chapter story after ${MAX_PARSE_ATTEMPTS} attempts`,
  )
}
