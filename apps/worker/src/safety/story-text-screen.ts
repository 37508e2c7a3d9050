import type { Config } from '@dreamify/core'
import type { ChildProfile } from '@dreamify/db'
import { chooseStandInName, hideChildName, restoreChildName } from '@dreamify/prompts'
import { ProviderError } from '../providers/index.ts'
import type { SafetyScreen } from './screen.ts'

/** The story text was flagged: it is dropped unsaved and written again (once) with stricter rules. */
export class StoryTextFlagged extends Error {
  readonly target: string
  constructor(target: string) {
    super(`${target} was flagged by the moderator`)
    this.name = 'StoryTextFlagged'
    this.target = target
  }
}

/** After this many flags of one job's text, the story fails with CONTENT_FLAGGED. */
export const MAX_TEXT_FLAGS = 2

export const contentFlagged = () =>
  new ProviderError(
    'permanent',
    'CONTENT_FLAGGED',
    'the story was flagged by the moderator twice, so it was not finished; nothing flagged was kept',
  )

/** Runs the chosen moderator on the topic before any text call, so a refusal costs nothing. */
export async function refuseUnsafeTopic(
  screen: Pick<SafetyScreen, 'check'>,
  ids: { storyId: string; jobId: string },
  topic: string,
  signal: AbortSignal,
): Promise<void> {
  const verdict = await screen.check({ ...ids, stage: 'topic', target: 'topic' }, { text: topic }, signal)
  if (verdict.decision === 'flagged')
    throw new ProviderError(
      'permanent',
      'CONTENT_REFUSED',
      'the topic is not suitable for a bedtime story; please ask for the story again with a gentler topic',
    )
}

/**
 * Who the provider is told the hero is: a stand-in name unless PROVIDER_SEES_CHILD_NAME is on.
 * `restore` puts the real name back in what is saved; `hide` takes it out again of saved text sent back.
 */
export function providerIdentity(
  generation: Pick<Config['generation'], 'providerSeesChildName'>,
  storyId: string,
  child: ChildProfile,
  topic: string,
) {
  const same = (text: string) => text
  if (generation.providerSeesChildName) return { child, restore: same, hide: same }
  const standIn = chooseStandInName(storyId, child, topic)
  return {
    child: { ...child, name: standIn },
    restore: (text: string) => restoreChildName(text, standIn, child.name),
    hide: (text: string) => hideChildName(text, child.name, standIn),
  }
}

/**
 * Checks story text as the provider wrote it (with the stand-in, so the moderator never sees the
 * name either), then returns it with the real name back. Throws StoryTextFlagged on a flag.
 */
export function createStoryTextScreen(
  screen: Pick<SafetyScreen, 'check'>,
  ids: { storyId: string; jobId: string },
  restore: (text: string) => string,
  signal: AbortSignal,
) {
  const check = async (target: string, text: string) => {
    const verdict = await screen.check({ ...ids, stage: 'story_text', target }, { text }, signal)
    if (verdict.decision === 'flagged') throw new StoryTextFlagged(target)
  }
  return {
    /** any other piece of story text (an outline's parts), checked under `target` */
    async text(target: string, text: string): Promise<string> {
      await check(target, text)
      return restore(text)
    },
    async title(title: string): Promise<string> {
      await check('title', title)
      return restore(title)
    },
    /** The cast is shown with the story (and its looks go into image prompts): checked like the text. */
    async cast(cast: ReadonlyArray<{ name: string; description: string }>) {
      if (cast.length === 0) return []
      await check('cast', cast.map((member) => `${member.name}: ${member.description}`).join('\n'))
      return cast.map((member) => ({ name: restore(member.name), description: restore(member.description) }))
    },
    async chapters<C extends { number: number; title: string; content: string; scene?: string }>(
      chapters: C[],
    ): Promise<C[]> {
      // The scene goes to the image step, whose prompt is moderated before anything is drawn.
      for (const chapter of chapters) await check(`chapter ${chapter.number}`, `${chapter.title}\n\n${chapter.content}`)
      return chapters.map((chapter) => ({
        ...chapter,
        title: restore(chapter.title),
        content: restore(chapter.content),
        ...(chapter.scene ? { scene: restore(chapter.scene) } : {}),
      }))
    },
  }
}
