import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import type { Config } from '@dreamify/core'
import {
  buildStory,
  type FixtureStory,
  formatStory,
  loadStoryTemplates,
  outlineOfFixtureStory,
  type StoryTemplate,
  type StoryValues,
} from '@dreamify/prompts'
import pluralize from 'pluralize'
import { synthesiseMp3 } from '../narration/espeak.ts'
import { type FixtureScene, pick, sceneFor, seedOf } from './fixture-scenes.ts'
import type { GeneratedImage, GenerationProvider, ImageReference, StoryRequest, TextRequest } from './provider.ts'

const IMAGES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/images')
const TICK_MS = 25

interface Library {
  stories: StoryTemplate[]
  illustrations: FixtureScene[]
  portraits: Buffer[]
}

let library: Library | undefined

// Read once, on first use: the files are small and never change while running.
function loadLibrary(): Library {
  if (library) return library
  const pngs = readdirSync(IMAGES_DIR)
    .filter((f) => f.endsWith('.png'))
    .sort()
  const read = (f: string) => readFileSync(join(IMAGES_DIR, f))
  library = {
    stories: loadStoryTemplates(),
    illustrations: pngs.filter((f) => !f.startsWith('avatar')).map((f) => ({ name: f.slice(0, -4), bytes: read(f) })),
    portraits: pngs.filter((f) => f.startsWith('avatar')).map(read),
  }
  return library
}

function firstOf(list: string | null, fallback: string): string {
  return list?.split(/,|\band\b/)[0]?.trim() || fallback
}

/** One of a favourite animal, as the templates speak of it ("a little {{animal}}"): parents write "otters". */
const oneAnimal = (list: string | null) => pluralize.singular(firstOf(list, 'fox'))

/** A template of the requested genre filled with the child's details, shaped to the requested chapter count. */
export function renderFixtureStory(
  request: Omit<StoryRequest, 'messages' | 'stream' | 'format'>,
  stories = loadLibrary().stories,
): FixtureStory {
  const female = request.child.sex === 'Female'
  const values: StoryValues = {
    name: request.child.name,
    topic: request.topic,
    animal: oneAnimal(request.child.fav_animals),
    activity: firstOf(request.child.fav_activities, 'exploring'),
    pronoun: female ? 'she' : 'he',
    possessive: female ? 'her' : 'his',
    gender: female ? 'feminine' : 'masculine',
  }
  return buildStory(stories, {
    chapters: request.chapters,
    values,
    genres: [request.genre],
    language: request.language,
    // The same name and topic always get the same story. The name is the one the provider is given,
    // by default a stand-in chosen per story, so one child's stories vary.
    seed: seedOf(`${request.child.name}|${request.topic}`),
  })
}

/** Yields `text` over `ms`: in one piece when not streaming, else in ticks. */
async function* tell(text: string, ms: number, stream: boolean, signal: AbortSignal) {
  if (!stream) {
    if (ms) await sleep(ms, undefined, { signal })
    yield text
    return
  }
  const ticks = Math.max(1, Math.floor(ms / TICK_MS))
  const size = Math.ceil(text.length / ticks)
  for (let at = 0; at < text.length; at += size) {
    if (ms) await sleep(TICK_MS, undefined, { signal })
    signal.throwIfAborted()
    yield text.slice(at, at + size)
  }
}

/**
 * The offline provider: stories from fixtures/ personalised with the child's details, streamed
 * over FIXTURES_TEXT_MS, illustrations from fixtures/images after FIXTURES_IMAGE_MS, and narration
 * synthesised offline by eSpeak NG (see narration/espeak.ts).
 */
export function createFixturesProvider(config: Config['generation']['fixtures']): GenerationProvider {
  return {
    name: 'fixtures',
    storyFormat: 'tagged',
    storyFormatFor: (language) => (language === 'en' ? 'tagged' : 'json'),

    async *writeStory(request: StoryRequest, signal: AbortSignal) {
      // A story continued after a failure goes on with the same template from its next chapter.
      const from = (request.soFar?.chapters.length ?? 0) + 1
      const text = formatStory(renderFixtureStory(request), request.format, from)
      yield* tell(text, config.textMs, request.stream, signal)
      // The offline provider costs nothing, so it reports no usage.
      return undefined
    },

    // Plans from the template (its chapter titles and scenes are the outline) and writes a chapter
    // as the template has it, each in the share of FIXTURES_TEXT_MS its length is of the story's.
    async *writeText(request: TextRequest, signal: AbortSignal) {
      const story = renderFixtureStory(request.story)
      const whole = formatStory(story, 'tagged').length
      const text =
        request.purpose === 'outline'
          ? JSON.stringify(
              outlineOfFixtureStory(story, {
                hero: request.story.child.name,
                animal: oneAnimal(request.story.child.fav_animals),
              }),
            )
          : (story.chapters[(request.chapter ?? 1) - 1]?.content ?? '')
      yield* tell(text, Math.round((config.textMs * text.length) / whole), request.stream, signal)
      return undefined
    },

    // A reference is accepted and ignored: the offline pictures are fixed, a chapter's chosen by its scene.
    async drawImage(
      prompt: string,
      signal: AbortSignal,
      purpose = 'chapter',
      _reference?: ImageReference,
    ): Promise<GeneratedImage> {
      if (config.imageMs) await sleep(config.imageMs, undefined, { signal })
      const { illustrations, portraits } = loadLibrary()
      return {
        bytes:
          purpose === 'avatar' && portraits.length ? pick(portraits, prompt) : sceneFor(illustrations, prompt).bytes,
        contentType: 'image/png',
      }
    },

    async speak({ text, voice }, signal) {
      if (config.speechMs) await sleep(config.speechMs, undefined, { signal })
      signal.throwIfAborted()
      return { bytes: await synthesiseMp3(text, voice), contentType: 'audio/mpeg' }
    },
  }
}
