import type { ServerResponse } from 'node:http'
import { join } from 'node:path'
import { loadStoryTemplates, type StoryTemplate } from '@dreamify/prompts'
import { type ChatRequestBody, outlineTask } from './chat-request.ts'
import { createFakeModerations } from './fake-moderations.ts'
import { type FakeOpenAIOptions, type Settings, settingsFrom } from './fake-openai-options.ts'
import { decideFault, type Endpoint, type FaultKind } from './faults.ts'
import { fixturesDir as defaultFixturesDir, type FixtureImage, loadFixtureImages } from './fixtures.ts'
import { sendFault } from './openai-errors.ts'
import { mulberry32 } from './random.ts'
import { FIXTURE_PICTURE_NAMES, renderFixturePng } from './scenes/index.ts'

// What the fake OpenAI server holds between calls: its settings, the calls it recorded, the files it
// stored, its fixtures, and how it decides a call's fault.

export interface RecordedCall {
  method: string
  path: string
  body: unknown
  at: number
  fault?: FaultKind
  /** what a chat answer reported it cost */
  usage?: { prompt_tokens: number; completion_tokens: number }
}

/** One call to an endpoint, as its route answers it. */
export interface EndpointCall {
  res: ServerResponse
  body: Record<string, unknown>
  fault: FaultKind | null
  signal: AbortSignal
  call: RecordedCall
}

export interface FakeState {
  /** The options at start, changed by configure() and by what calls consume (failNext, miscastNext…). */
  settings: Settings
  readonly templates: StoryTemplate[]
  /** Every request except the /__ control ones, oldest first. */
  readonly calls: RecordedCall[]
  /** Pictures answered by URL, by id, served at /files/<id>.png. */
  readonly files: Map<string, Buffer>
  readonly moderations: ReturnType<typeof createFakeModerations>
  /** http://127.0.0.1:PORT, once the server listens. */
  url: string
  /** How many malformed chat answers were sent, so each one is malformed differently. */
  malformedCount: number
  /** Fault draws: seeded by `seed`, else Math.random. */
  random: () => number
  fixtureImages(): Promise<FixtureImage[]>
  configure(patch: Partial<FakeOpenAIOptions>): void
  /** Clears calls and stored files and restores the options given at start. */
  reset(): void
}

const DEFAULTS: Settings = {
  textLatencyMs: 0,
  tokensPerSecond: 0,
  imageLatencyMs: 0,
  speechLatencyMs: 0,
  speech: true,
  scope: 'all',
  faults: {},
  failNext: [],
  seed: undefined,
  apiKey: undefined,
  imageResponseFormat: undefined,
  miscastNext: 0,
  failChapterNext: [],
  imageEdits: 'supported',
  breakAfterChapter: undefined,
}

export function createFakeState(options: FakeOpenAIOptions): FakeState {
  const dir = options.fixturesDir ?? defaultFixturesDir
  let images: FixtureImage[] = loadFixtureImages(join(dir, 'images'))
  let rendering: Promise<FixtureImage[]> | null = null
  const initial = settingsFrom(DEFAULTS, options)
  const reseed = (): void => {
    state.random = state.settings.seed === undefined ? Math.random : mulberry32(state.settings.seed)
  }

  const state: FakeState = {
    settings: initial,
    templates: loadStoryTemplates(join(dir, 'stories')),
    calls: [],
    files: new Map(),
    moderations: createFakeModerations(options),
    url: '',
    malformedCount: 0,
    random: Math.random,
    async fixtureImages() {
      // Without a fixtures/images directory, render a few pictures once.
      if (images.length > 0) return images
      rendering ??= Promise.all(
        FIXTURE_PICTURE_NAMES.slice(0, 3).map(async (name) => ({ name, png: await renderFixturePng(name) })),
      )
      images = await rendering
      return images
    },
    configure(patch) {
      state.settings = settingsFrom(state.settings, patch)
      state.moderations.configure(patch)
      if ('seed' in patch) reseed()
    },
    reset() {
      state.calls.length = 0
      state.files.clear()
      state.malformedCount = 0
      state.settings = settingsFrom(initial, {})
      state.moderations.reset()
      reseed()
    },
  }
  reseed()
  return state
}

/** The fault a call gets: failNext or a random draw, else (failChapterNext) a 500 for a listed chapter. */
export function faultFor(state: FakeState, endpoint: Endpoint, body: Record<string, unknown>): FaultKind | null {
  const fault = decideFault(state.settings, endpoint, state.random)
  // failChapterNext: the next call for each listed chapter (of any outlined story) answers 500.
  const task = endpoint === 'text' ? outlineTask(body as ChatRequestBody) : null
  if (!fault && task?.kind === 'chapter' && state.settings.failChapterNext.includes(task.number)) {
    const rest = [...state.settings.failChapterNext]
    rest.splice(rest.indexOf(task.number), 1)
    state.settings = { ...state.settings, failChapterNext: rest }
    return '500'
  }
  return fault
}

/** Sends an HTTP-level fault (429, 500, 401, refusal, hang); false when there is none or the route shapes it. */
export const sentFault = (state: FakeState, res: ServerResponse, fault: FaultKind | null): boolean =>
  fault !== null && sendFault(res, fault, state.settings.faults.retryAfterSeconds)
