import { addAgain, isUnfinishedJob, QUEUES } from '@dreamify/core'
import { jobLifecycle, moderationRepository, stepContextRepository } from '@dreamify/db'
import { buildChapterMessages, castContradictions, parseChapterText, StoryFormatError } from '@dreamify/prompts'
import { ProviderError } from '../providers/index.ts'
import {
  contentFlagged,
  createStoryTextScreen,
  MAX_TEXT_FLAGS,
  providerIdentity,
  StoryTextFlagged,
} from '../safety/story-text-screen.ts'
import type { StepDefinition } from './definition.ts'
import { chapterAudioJobs, MAX_OUTLINE_ATTEMPTS, outlineForProvider } from './story-outline.ts'

/**
 * Writes one chapter of an outlined story (docs/decisions/0013), beside its picture: the call gets
 * the outline, the cast, the chapter's synopsis and its neighbours', and streams; the chapter is
 * checked (the parser's rules, then the cast's names), moderated and saved once complete. A
 * chapter that names a character other than the cast does is written again, once. A saved chapter
 * is never written again; a failed one is retried alone, the others untouched.
 */
export const chapterTextStep: StepDefinition<typeof QUEUES.chapterText> = {
  queue: QUEUES.chapterText,
  concurrency: (config) => config.worker.textConcurrency,
  // The planning call and the chapters' calls share TEXT_REQUESTS_PER_MINUTE (see outlineRateShare).
  ratePerMinute: (config) =>
    outlineRateShare(config.worker.textRequestsPerMinute, config.generation.strategy, config.generation.chapters)
      .chapters,
  ownerJobId: ({ jobId }) => jobId,

  async run({ jobId, storyId, chapterNumber }, context) {
    const { db, provider, queues, config, logger, signal, events, safety, storyFinished } = context
    const found = await stepContextRepository.forChapterText(db, jobId, storyId, chapterNumber)
    if (!found || !isUnfinishedJob(found.status) || !found.outline) return
    // A narrated chapter's narration follows its text, as the stream pipeline's does.
    const narration = chapterAudioJobs(
      jobId,
      { id: storyId, narrated: found.narrations_total > 0 && found.narration_voice !== null },
      [chapterNumber],
    )
    if (found.written) {
      // An earlier try saved it but may have stopped before enqueueing its narration.
      if (found.audio_status === 'pending' && narration.length > 0) await addAgain(queues, narration)
      // Saved by an earlier try; its save completed the story if it was the last thing it waited for.
      const completed = await jobLifecycle.complete(db, jobId)
      if (completed) storyFinished(completed)
      await events.state(completed)
      return
    }
    const ids = { storyId, jobId }
    const identity = providerIdentity(config.generation, storyId, found.child, found.topic)
    const outline = outlineForProvider(found.outline, found.child.name, identity.child.name)
    const planned = outline.chapters[chapterNumber - 1]
    if (!planned) throw new ProviderError('permanent', 'INTERNAL', `chapter ${chapterNumber} is not in the outline`)
    const held = safety.holding()
    try {
      const screen = createStoryTextScreen(held, ids, identity.restore, signal)
      const story = {
        child: identity.child,
        topic: found.topic,
        genre: found.story_genre,
        chapters: found.chapters_total,
      }
      let { flags } = await moderationRepository.textScreenState(db, jobId, storyId)
      let recast = false
      for (let parseFailures = 0; ; ) {
        if (flags >= MAX_TEXT_FLAGS) throw contentFlagged()
        const messages = buildChapterMessages(
          { ...story, outline, number: chapterNumber },
          { strict: flags > 0, castNames: recast },
        )
        let text = ''
        const request = { purpose: 'chapter' as const, messages, stream: true, story, chapter: chapterNumber }
        for await (const delta of provider.writeText(request, signal)) text += delta
        signal.throwIfAborted()
        try {
          const content = parseChapterText(text, chapterNumber)
          const strangers = castContradictions(content, outline.cast)
          if (strangers.length > 0 && !recast) {
            recast = true
            logger.warn(
              { chapter: chapterNumber, names: strangers.length },
              'the chapter names characters the cast does not; writing it again',
            )
            continue
          }
          const [chapter] = await screen.chapters([{ number: chapterNumber, title: planned.title, content }])
          const saved = await jobLifecycle.recordChapterText(db, jobId, storyId, chapter!, held.take())
          if (!saved) return
          if (narration.length > 0) await addAgain(queues, narration)
          if (saved.completedNow) storyFinished(saved.job)
          await events.chapters(jobId, 'chapter_written', [{ number: chapterNumber, title: chapter!.title }], saved.job)
          return
        } catch (error) {
          if (error instanceof StoryTextFlagged) {
            flags++
            logger.warn({ target: error.target, flags }, 'the moderator flagged the chapter; it was not saved')
            continue
          }
          if (!(error instanceof StoryFormatError)) throw error
          parseFailures++
          logger.warn(
            { reason: error.reason, attempt: parseFailures },
            'the provider answered something that is not the chapter',
          )
          if (parseFailures >= MAX_OUTLINE_ATTEMPTS)
            throw new ProviderError(
              'permanent',
              'STORY_UNPARSEABLE',
              `the provider's answer was not chapter ${chapterNumber} after ${MAX_OUTLINE_ATTEMPTS} attempts`,
            )
        }
      }
    } finally {
      await held.flush()
    }
  },

  // A chapter whose text cannot be written fails its story (a retry of the story keeps the rest).
  fail: ({ jobId }, failure, { db }) => jobLifecycle.fail(db, jobId, failure),
}

/**
 * TEXT_REQUESTS_PER_MINUTE is one budget for every text call. An outlined story makes 1 planning
 * call and `chapters` chapter calls (6 with 5 chapters), on two queues whose limiters BullMQ keeps
 * apart: the budget is split between them in that proportion, so together they never pass it and
 * neither starves the other. Streamed stories spend the whole budget on the story-text queue (the
 * chapter-text queue then serves only stories outlined before a switch back, under the same budget).
 */
export function outlineRateShare(perMinute: number, strategy: 'stream' | 'outline', chapters = 5) {
  if (perMinute <= 0) return { story: 0, chapters: 0 }
  if (strategy === 'stream') return { story: perMinute, chapters: perMinute }
  const story = Math.max(1, Math.floor(perMinute / (chapters + 1)))
  return { story, chapters: Math.max(1, perMinute - story) }
}
