import { addAgain, isUnfinishedJob, QUEUES } from '@dreamify/core'
import { jobLifecycle, moderationRepository, stepContextRepository } from '@dreamify/db'
import { buildChapterMessages, castContradictions, parseChapterText } from '@dreamify/prompts'
import { ProviderError } from '../providers/index.ts'
import { createStoryTextScreen, providerIdentity } from '../safety/story-text-screen.ts'
import type { StepDefinition } from './definition.ts'
import { completeSettledStory } from './settling.ts'
import { chapterAudioJobs, MAX_OUTLINE_ATTEMPTS, outlineForProvider, storyForProvider } from './story-outline.ts'
import { textTries } from './text-tries.ts'

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
      await completeSettledStory(context, jobId)
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
      const story = storyForProvider(identity.child, found)
      const tries = textTries(logger, {
        flags: (await moderationRepository.textScreenState(db, jobId, storyId)).flags,
        maxParseAttempts: MAX_OUTLINE_ATTEMPTS,
        flagged: 'the chapter',
        expected: 'the chapter',
        unparseable: `chapter ${chapterNumber}`,
      })
      let recast = false
      for (;;) {
        const messages = buildChapterMessages(
          { ...story, outline, number: chapterNumber },
          { strict: tries.strict(), castNames: recast },
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
          tries.failed(error)
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
