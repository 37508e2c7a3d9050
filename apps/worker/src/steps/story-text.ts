import { addAgain, jobItem, QUEUES } from '@dreamify/core'
import {
  type ChildProfile,
  fanInDone,
  jobLifecycle,
  moderationRepository,
  type StartedStory,
  storyRepository,
} from '@dreamify/db'
import {
  buildStoryMessages,
  createStoryStreamParser,
  type StoryChapter,
  type StorySoFar,
  type StoryStreamEvent,
} from '@dreamify/prompts'
import type { HoldingScreen } from '../safety/screen.ts'
import { createStoryTextScreen, providerIdentity, refuseUnsafeTopic } from '../safety/story-text-screen.ts'
import { outlineRateShare } from './chapter-text.ts'
import type { StepContext, StepDefinition } from './definition.ts'
import { completeSettledStory } from './settling.ts'
import { chapterAudioJobs, runOutlinedStory, storyForProvider } from './story-outline.ts'
import { textTries } from './text-tries.ts'

/** How many times an answer that is not a story in the requested shape is asked for again. */
export const MAX_PARSE_ATTEMPTS = 3

/** The illustration jobs of these chapters, under their deterministic ids. */
const chapterImageJobs = (jobId: string, storyId: string, chapterNumbers: readonly number[]) =>
  chapterNumbers.map((chapterNumber) => jobItem(QUEUES.chapterImage, { jobId, storyId, chapterNumber }))

/**
 * Writes the story's text. With streaming on, each chapter is saved and its illustration (and its
 * narration, when the story is narrated) enqueued the moment its text is complete, while later chapters are still being written. Saved chapters
 * are never written again: a retried or resumed step only adds the ones that are missing.
 */
export const storyTextStep: StepDefinition<typeof QUEUES.storyText> = {
  queue: QUEUES.storyText,
  concurrency: (config) => config.worker.textConcurrency,
  ratePerMinute: (config) =>
    outlineRateShare(config.worker.textRequestsPerMinute, config.generation.strategy, config.generation.chapters).story,
  ownerJobId: ({ jobId }) => jobId,

  async run({ jobId }, context) {
    const { db, queues, logger, events, config } = context
    const outlined = config.generation.strategy === 'outline'
    const started = await jobLifecycle.startStory(db, jobId, outlined)
    if (!started) return
    const { job, story, child, saved } = started
    await events.state(job)
    // A story planned once stays outlined, whatever the strategy is now; a streamed one keeps streaming.
    if (story.outline || (outlined && saved.count === 0)) return runOutlinedStory(context, jobId, started)
    // Chapters saved by an earlier try whose illustrations may never have been enqueued, or whose
    // settle was lost (a Postgres failover) after their queue job finished.
    if (saved.pending.length > 0) await addAgain(queues, chapterImageJobs(jobId, story.id, saved.pending))
    // The same for narrations (the story's fan-out counts them too).
    const narrations = chapterAudioJobs(jobId, story, saved.audioPending)
    if (narrations.length > 0) await addAgain(queues, narrations)

    if (saved.count < story.chapters_total) {
      await writeMissingChapters(context, jobId, story, child)
    } else {
      logger.debug('text already saved; resuming at the illustrations')
      // Every chapter settled but the story not completed: a cancellation landed between the last
      // drawing and its count, and this is the retry (or the completing statement was lost).
      if (fanInDone(job)) {
        await completeSettledStory(context, jobId)
      }
    }
  },

  fail: ({ jobId }, failure, { db }) => jobLifecycle.fail(db, jobId, failure),
}

type Story = StartedStory['story']

/**
 * Stops early (without error) when the job was cancelled or deleted meanwhile. The topic is
 * moderated before any text call; each chapter (and the title) before it is saved, so a flagged
 * one is never shown. A flag means one rewrite with stricter rules; a second fails the story.
 */
async function writeMissingChapters(
  context: StepContext,
  jobId: string,
  story: Story,
  child: ChildProfile,
): Promise<void> {
  const { safety } = context
  // The decisions that let the topic, title and chapters through are written with the chapters.
  const held = safety.holding()
  try {
    await writeScreened(context, held, jobId, story, child)
  } finally {
    await held.flush()
  }
}

async function writeScreened(
  context: StepContext,
  held: HoldingScreen,
  jobId: string,
  story: Story,
  child: ChildProfile,
): Promise<void> {
  const { db, provider, queues, config, logger, signal, events } = context
  const ids = { storyId: story.id, jobId }
  await refuseUnsafeTopic(held, ids, story.topic, signal)
  const identity = providerIdentity(config.generation, story.id, child, story.topic)
  const screen = createStoryTextScreen(held, ids, identity.restore, signal)
  // Structured output for every language but English where the provider can: labels stay reliable.
  const format = provider.storyFormatFor(story.language)
  const input = { ...storyForProvider(identity.child, story), format, language: story.language }
  const eager = config.generation.streaming
  const state = await moderationRepository.textScreenState(db, jobId, story.id)
  const tries = textTries(logger, {
    flags: state.flags,
    maxParseAttempts: MAX_PARSE_ATTEMPTS,
    flagged: 'the story text',
    expected: 'a story in the requested shape',
    unparseable: `a valid ${story.chapters_total}-chapter story`,
  })
  // What is saved, as the provider wrote it (the stand-in for the name): a story whose answer broke
  // off after some chapters goes on from there instead of starting its plot again.
  const beginning: Beginning =
    state.savedChapters.size > 0 || state.titleSaved
      ? await savedBeginning(context, story.id, identity.hide)
      : { title: undefined, chapters: [] }

  for (;;) {
    const strict = tries.strict()
    const soFar = continuable(beginning, story.chapters_total)
    if (soFar) logger.info({ from: soFar.chapters.length + 1 }, 'continuing the story after its saved chapters')
    const messages = buildStoryMessages({ ...input, soFar }, { strict })
    const from = soFar ? soFar.chapters.length + 1 : 1
    const parser = createStoryStreamParser({ format, chapters: story.chapters_total, from })
    let alive = true
    let shownTitle: string | undefined
    // Saves what the parser found in one statement, then enqueues the new chapters' illustrations in one go.
    const handle = async (found: StoryStreamEvent[]) => {
      const written: Array<{ number: number; title: string; content: string; scene?: string }> = []
      for (const event of found) {
        // Chapters saved earlier passed their check then; this answer's versions of them are dropped.
        if (event.type === 'chapter') {
          if (!state.savedChapters.has(event.number))
            written.push({ number: event.number, title: event.title, content: event.content, scene: event.scene })
        } else if (event.type === 'cast') {
          // Saved before any chapter of this answer, so every illustration enqueued after it draws the cast.
          if (eager) await storyRepository.setCast(db, story.id, await screen.cast(event.cast))
        } else if (eager && !state.titleSaved) {
          const title = await screen.title(event.title)
          if (await storyRepository.setTitleIfMissing(db, story.id, title)) {
            shownTitle = event.title
            state.titleSaved = true
            beginning.title = event.title
          }
        }
      }
      if (written.length === 0) return
      const chapters = await screen.chapters(written)
      const recorded = await jobLifecycle.recordChaptersWritten(db, jobId, story, chapters, held.take())
      if (!recorded.job) {
        alive = false
        return
      }
      for (const number of recorded.inserted) state.savedChapters.add(number)
      // Kept as the provider wrote them, for a continuation if a later part of this answer fails.
      beginning.chapters.push(...written.filter((c) => recorded.inserted.includes(c.number)))
      // Published before their images are enqueued, so chapter_illustrated always comes after chapter_written.
      const saved = chapters.filter((c) => recorded.inserted.includes(c.number))
      await events.chapters(jobId, 'chapter_written', saved, recorded.job)
      if (recorded.inserted.length > 0) {
        await queues[QUEUES.chapterImage].addBulk(chapterImageJobs(jobId, story.id, recorded.inserted))
        const narrations = chapterAudioJobs(jobId, story, recorded.inserted)
        if (narrations.length > 0) await queues[QUEUES.chapterAudio].addBulk(narrations)
      }
    }
    try {
      const pending: StoryStreamEvent[] = []
      for await (const delta of provider.writeStory({ ...input, soFar, messages, stream: eager }, signal)) {
        const found = parser.push(delta)
        // Saving as we go is the point of streaming; without it, nothing is saved until the whole story checks out.
        if (eager) await handle(found)
        else pending.push(...found)
        if (!alive) return
      }
      const { draft, events: rest } = parser.end()
      // A malformed earlier answer may have streamed a title; the story keeps the one that parsed
      // (a continuation has none: the saved one stays; nor a cast, and the saved one stays too).
      if (!soFar && draft.title !== shownTitle)
        await storyRepository.setTitle(db, story.id, await screen.title(draft.title))
      if (!eager && !soFar) await storyRepository.setCast(db, story.id, await screen.cast(draft.cast))
      await handle([...pending, ...rest])
      return
    } catch (error) {
      tries.failed(error)
    }
  }
}

interface Beginning {
  title: string | undefined
  chapters: StoryChapter[]
}

/** The saved title and chapters, with the child's name hidden again as the provider knows it. */
async function savedBeginning(
  { db }: StepContext,
  storyId: string,
  hide: (text: string) => string,
): Promise<Beginning> {
  const saved = await storyRepository.savedText(db, storyId)
  return {
    title: saved.title === null ? undefined : hide(saved.title),
    chapters: saved.chapters.map((c) => ({ number: c.number, title: hide(c.title), content: hide(c.content) })),
  }
}

/**
 * The story so far to send back, when it can be continued: a title and chapters 1..k, with
 * 0 < k < N. Otherwise (nothing saved, or a gap a lost write left) the story is written whole, and
 * the chapters already saved are kept in place of that answer's versions.
 */
function continuable(beginning: Beginning, chapters: number): StorySoFar | undefined {
  const saved = [...beginning.chapters].sort((a, b) => a.number - b.number)
  if (!beginning.title || saved.length === 0 || saved.length >= chapters) return undefined
  if (saved.some((chapter, index) => chapter.number !== index + 1)) return undefined
  return { title: beginning.title, chapters: saved }
}
