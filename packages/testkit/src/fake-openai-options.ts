import { type ImageEditsMode, isImageEditsMode } from './fake-image-edits.ts'
import type { FakeModerationOptions } from './fake-moderations.ts'
import type { FaultKind, FaultOptions, FaultScope } from './faults.ts'
import { isFaultKind } from './faults.ts'

// What the fake OpenAI server can be told, at start and by configure(), and how a change is checked.

export interface FakeOpenAIOptions extends FakeModerationOptions {
  /** Listen port (only at start); 0 / unset = any free port. */
  port?: number
  /** Listen host (only at start); default 127.0.0.1. */
  host?: string
  /** Delay before a chat answer starts (non-streamed body, or the first streamed byte). */
  textLatencyMs?: number
  /** Streaming pace; 0 = as fast as possible. */
  tokensPerSecond?: number
  imageLatencyMs?: number
  /** Delay before a speech answer. */
  speechLatencyMs?: number
  /** false: the server has no /v1/audio/speech (404), as Ollama and vLLM; default true */
  speech?: boolean
  faults?: FaultOptions
  /** Forced faults for the next in-scope calls, consumed one per call. */
  failNext?: FaultKind[]
  /** Which endpoints faults (random and failNext) apply to; default 'all'. */
  scope?: FaultScope
  /** Seed for fault draws; unset = Math.random. */
  seed?: number
  /** When set, requests without `Authorization: Bearer <apiKey>` get a 401. */
  apiKey?: string
  /** Directory with stories/ and images/ (only at start); default the repository's fixtures/. */
  fixturesDir?: string
  /** The next N chapters of outlined stories name a character the outline's cast does not have. */
  miscastNext?: number
  /** The next call for each of these chapter numbers (of outlined stories) answers a 500. */
  failChapterNext?: number[]
  /** How images answer when the request names no response_format (some servers send URLs). */
  imageResponseFormat?: 'b64_json' | 'url'
  /** Where a `break` fault cuts a story's stream: right after chapter N is complete (default: halfway). */
  breakAfterChapter?: number
  /** How POST /v1/images/edits answers: drawn (the default), 404 as on servers without it, or 400 `unsupported`. */
  imageEdits?: ImageEditsMode
}

export type Settings = Required<
  Pick<
    FakeOpenAIOptions,
    'textLatencyMs' | 'tokensPerSecond' | 'imageLatencyMs' | 'speechLatencyMs' | 'speech' | 'scope'
  >
> & {
  faults: FaultOptions
  failNext: FaultKind[]
  seed: number | undefined
  apiKey: string | undefined
  imageResponseFormat: 'b64_json' | 'url' | undefined
  miscastNext: number
  failChapterNext: number[]
  imageEdits: ImageEditsMode
  breakAfterChapter: number | undefined
}

export function settingsFrom(base: Settings, patch: Partial<FakeOpenAIOptions>): Settings {
  const next: Settings = {
    ...base,
    faults: { ...base.faults, ...patch.faults },
    failNext: [...base.failNext],
    failChapterNext: [...base.failChapterNext],
  }
  if (patch.textLatencyMs !== undefined) next.textLatencyMs = Math.max(0, Number(patch.textLatencyMs))
  if (patch.tokensPerSecond !== undefined) next.tokensPerSecond = Math.max(0, Number(patch.tokensPerSecond))
  if (patch.imageLatencyMs !== undefined) next.imageLatencyMs = Math.max(0, Number(patch.imageLatencyMs))
  if (patch.speechLatencyMs !== undefined) next.speechLatencyMs = Math.max(0, Number(patch.speechLatencyMs))
  if (patch.speech !== undefined) next.speech = Boolean(patch.speech)
  if (patch.scope !== undefined) {
    if (!['text', 'images', 'moderations', 'speech', 'all'].includes(patch.scope))
      throw new Error(`invalid scope ${String(patch.scope)}`)
    next.scope = patch.scope
  }
  if (patch.failNext !== undefined) {
    if (!Array.isArray(patch.failNext) || !patch.failNext.every(isFaultKind))
      throw new Error(`invalid failNext ${JSON.stringify(patch.failNext)}`)
    next.failNext = [...patch.failNext]
  }
  if ('seed' in patch) next.seed = patch.seed
  if ('apiKey' in patch) next.apiKey = patch.apiKey
  if (patch.failChapterNext !== undefined) {
    if (!Array.isArray(patch.failChapterNext) || !patch.failChapterNext.every((n) => Number.isInteger(n) && n > 0))
      throw new Error(`invalid failChapterNext ${JSON.stringify(patch.failChapterNext)}`)
    next.failChapterNext = [...patch.failChapterNext]
  }
  if (patch.miscastNext !== undefined) next.miscastNext = Math.max(0, Math.floor(Number(patch.miscastNext)))
  if ('imageResponseFormat' in patch) next.imageResponseFormat = patch.imageResponseFormat
  if ('breakAfterChapter' in patch) next.breakAfterChapter = patch.breakAfterChapter
  if (patch.imageEdits !== undefined) {
    if (!isImageEditsMode(patch.imageEdits)) throw new Error(`invalid imageEdits ${String(patch.imageEdits)}`)
    next.imageEdits = patch.imageEdits
  }
  return next
}
