import { addAgain, jobItem, QUEUES, type StoryGenre, type StoryOutline } from '@dreamify/core'
import {
  type ChildProfile,
  jobLifecycle,
  moderationRepository,
  type StartedStory,
  stepContextRepository,
} from '@dreamify/db'
import { buildOutlineMessages, parseOutline, restoreChildName } from '@dreamify/prompts'
import { createStoryTextScreen, providerIdentity, refuseUnsafeTopic } from '../safety/story-text-screen.ts'
import type { StepContext } from './definition.ts'
import { completeSettledStory } from './settling.ts'
import { textTries } from './text-tries.ts'

/** The narration jobs of these chapters (none when the story is not narrated), under their deterministic ids. */
export const chapterAudioJobs = (
  jobId: string,
  story: { id: string; narrated: boolean },
  chapterNumbers: readonly number[],
) =>
  story.narrated
    ? chapterNumbers.map((chapterNumber) => jobItem(QUEUES.chapterAudio, { jobId, storyId: story.id, chapterNumber }))
    : []

/** How many times an answer that is not an outline (or a chapter) is asked for again. */
export const MAX_OUTLINE_ATTEMPTS = 3

/**
 * The story-text step of an outlined story (GENERATION_STRATEGY=outline, docs/decisions/0013):
 * one planning call, the outline saved with its chapters (once: a story with a saved outline is
 * never planned again), then one `chapter-text` and one `chapter-image` job per chapter, enqueued
 * together; a narrated chapter's `chapter-audio` job follows its text, enqueued by its text step. A resumed step (a retry, a crash, the reconciler) enqueues again, under the same ids,
 * what is still unwritten, undrawn or (for a written chapter) unnarrated, and completes a story that has everything.
 */
export async function runOutlinedStory(context: StepContext, jobId: string, started: StartedStory): Promise<void> {
  const { queues, logger } = context
  const { story, child, saved } = started
  let outline = story.outline
  let unwritten = saved.unwritten
  let pending = saved.pending
  if (!outline) {
    const planned = await planStory(context, jobId, story, child)
    if (!planned) return
    outline = planned
    // Everything is planned now: every chapter to write and to draw (an earlier try's plan stands).
    unwritten = pending = outline.chapters.map((_, i) => i + 1)
  }
  const storyId = story.id
  const items = [
    ...unwritten.map((chapterNumber) => jobItem(QUEUES.chapterText, { jobId, storyId, chapterNumber })),
    ...pending.map((chapterNumber) => jobItem(QUEUES.chapterImage, { jobId, storyId, chapterNumber })),
    // Narrations of chapters written by earlier tries (an unwritten chapter's text step enqueues its own).
    ...(outline === story.outline ? chapterAudioJobs(jobId, story, saved.audioPending) : []),
  ]
  if (items.length > 0) {
    await addAgain(queues, items)
    return
  }
  logger.debug('every chapter written and settled; completing')
  await completeSettledStory(context, jobId)
}

/**
 * Asks for the outline and saves it. The topic is moderated before the call, the outline (title,
 * cast, synopses and briefs) before it is saved: a flag means one rewrite with stricter rules, a
 * second fails the story. Undefined when the job was cancelled or deleted meanwhile.
 */
async function planStory(
  context: StepContext,
  jobId: string,
  story: StartedStory['story'],
  child: ChildProfile,
): Promise<StoryOutline | undefined> {
  const { db, provider, config, logger, signal, events, safety } = context
  const ids = { storyId: story.id, jobId }
  const held = safety.holding()
  try {
    await refuseUnsafeTopic(held, ids, story.topic, signal)
    const identity = providerIdentity(config.generation, story.id, child, story.topic)
    const screen = createStoryTextScreen(held, ids, identity.restore, signal)
    const request = storyForProvider(identity.child, story)
    const tries = textTries(logger, {
      flags: (await moderationRepository.textScreenState(db, jobId, story.id)).flags,
      maxParseAttempts: MAX_OUTLINE_ATTEMPTS,
      flagged: 'the outline',
      expected: 'an outline',
      unparseable: `a valid ${story.chapters_total}-chapter outline`,
    })
    for (;;) {
      const messages = buildOutlineMessages(request, { strict: tries.strict() })
      let text = ''
      for await (const delta of provider.writeText(
        { purpose: 'outline', messages, stream: false, story: request },
        signal,
      ))
        text += delta
      try {
        const planned = await screenOutline(screen, parseOutline(text, story.chapters_total))
        const recorded = await jobLifecycle.recordOutline(db, jobId, story.id, planned, held.take())
        if (!recorded) return undefined
        await events.state(recorded.job)
        if (recorded.plannedNow) return planned
        // Another try saved its plan first (a lost acknowledgement): that one stands.
        return (await stepContextRepository.outline(db, story.id)) ?? undefined
      } catch (error) {
        tries.failed(error)
      }
    }
  } finally {
    await held.flush()
  }
}

/**
 * The outline moderated like chapter text (its title, its cast, then each chapter's plan), returned
 * with the real name back. Throws StoryTextFlagged on a flag.
 */
const flat = (text: string) => text.replace(/\s*\n+\s*/g, ' ')

async function screenOutline(
  screen: ReturnType<typeof createStoryTextScreen>,
  outline: StoryOutline,
): Promise<StoryOutline> {
  const title = await screen.title(outline.title)
  const cast = await Promise.all(
    outline.cast.map(async (member, i) => {
      const [name, ...description] = (
        await screen.text(`cast ${i + 1}`, `${flat(member.name)}\n${member.description}`)
      ).split('\n')
      return { name: name!, description: description.join('\n') }
    }),
  )
  const chapters = []
  for (const [i, chapter] of outline.chapters.entries()) {
    const checked = await screen.text(
      `outline ${i + 1}`,
      `${flat(chapter.title)}\n${flat(chapter.synopsis)}\n${chapter.brief}`,
    )
    const [chapterTitle, synopsis, ...brief] = checked.split('\n')
    chapters.push({ title: chapterTitle!, synopsis: synopsis!, brief: brief.join('\n') })
  }
  return { title, cast, chapters }
}

/** The story as a text call describes it, with the hero as the provider knows them (see providerIdentity). */
export const storyForProvider = (
  child: ChildProfile,
  story: { topic: string; story_genre: StoryGenre; chapters_total: number },
) => ({ child, topic: story.topic, genre: story.story_genre, chapters: story.chapters_total })

/** The outline as the provider is shown it: the child's stand-in name instead of the real one. */
export function outlineForProvider(outline: StoryOutline, realName: string, providerName: string): StoryOutline {
  if (realName === providerName) return outline
  const hide = (text: string) => restoreChildName(text, realName, providerName)
  return {
    title: hide(outline.title),
    cast: outline.cast.map((c) => ({ name: hide(c.name), description: hide(c.description) })),
    chapters: outline.chapters.map((c) => ({ title: hide(c.title), synopsis: hide(c.synopsis), brief: hide(c.brief) })),
  }
}
