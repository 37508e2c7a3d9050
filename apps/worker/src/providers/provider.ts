import type { GenerationErrorCode, StoryGenre } from '@dreamify/core'
import type { ChildProfile } from '@dreamify/db'
import type { StorySoFar } from '@dreamify/prompts'

export type { ChildProfile }

export type StoryFormat = 'json' | 'tagged'

export interface StoryRequest {
  child: ChildProfile
  topic: string
  genre: StoryGenre
  chapters: number
  format: StoryFormat
  /** BCP 47 tag of the story's language (default `en`) */
  language?: string
  messages: { system: string; user: string }
  /** stream the text as it is written, or answer it in one piece */
  stream: boolean
  /** the saved beginning of a story continued after a failure: the answer is its remaining chapters */
  soFar?: StorySoFar
}

/**
 * One call of an outlined story (GENERATION_STRATEGY=outline): its plan, or one chapter's text.
 * `story` (and `chapter`, `outline`) say what is asked for, for a provider that tells stories itself.
 */
export interface TextRequest {
  purpose: 'outline' | 'chapter'
  messages: { system: string; user: string }
  stream: boolean
  story: Omit<StoryRequest, 'messages' | 'stream' | 'format'>
  /** the chapter asked for (purpose `chapter`), 1-based */
  chapter?: number
}

/** Tokens a provider reported as used by one call, for the cost metrics. */
export interface Usage {
  kind: 'text' | 'image'
  tokens: number
}

export interface GeneratedImage {
  bytes: Buffer
  contentType: string
  /** what drawing it cost, when the provider reported it */
  usage?: Usage
}

/** A chapter to read aloud, in one of the NARRATION_VOICES. */
export interface SpeechRequest {
  text: string
  voice: string
}

export interface GeneratedSpeech {
  bytes: Buffer
  /** audio/mpeg: one playable MP3, however many calls it took */
  contentType: string
}

/** A picture the drawing must follow: the child's avatar, sent first, so the hero looks like the child. */
export interface ImageReference {
  image: { bytes: Buffer; contentType: string }
  /** the prompt that goes with the picture (the scene and style; the hero is the child in it) */
  prompt: string
}

/** One interface for every provider; one file per provider. */
export interface GenerationProvider {
  readonly name: string
  /** the story format this provider answers English in (structured JSON where the server can) */
  readonly storyFormat: StoryFormat
  /** the format for a story in this language: JSON for all but English, so labels never get translated */
  storyFormatFor(language: string): StoryFormat
  /**
   * Yields the story's text as it arrives (one piece when not streaming), and returns what it cost
   * when the provider reported it.
   */
  writeStory(request: StoryRequest, signal: AbortSignal): AsyncGenerator<string, Usage | undefined, undefined>
  /** One outline or chapter call (see TextRequest): the answer as it arrives, then what it cost. */
  writeText(request: TextRequest, signal: AbortSignal): AsyncGenerator<string, Usage | undefined, undefined>
  /**
   * Draws from `prompt`, or from `reference` (its picture and its own prompt) where the provider can
   * draw from a picture: a provider that cannot, or a server that turns it down, uses `prompt`.
   */
  drawImage(
    prompt: string,
    signal: AbortSignal,
    purpose?: 'chapter' | 'avatar',
    reference?: ImageReference,
  ): Promise<GeneratedImage>
  /** Whether a reference passed to drawImage would be used now, so callers load it only then. */
  drawsFromReference?(): boolean
  /** reads a chapter aloud; a server without a speech endpoint fails it with NARRATION_UNAVAILABLE (permanent) */
  speak(request: SpeechRequest, signal: AbortSignal): Promise<GeneratedSpeech>
}

/**
 * A provider failure, classified for the queue: transient ones are retried with backoff,
 * `rate_limited` pauses the whole queue for `retryAfterMs`, permanent ones fail at once.
 */
export class ProviderError extends Error {
  readonly kind: 'transient' | 'rate_limited' | 'permanent'
  readonly code: GenerationErrorCode
  readonly retryAfterMs: number | undefined
  readonly status: number | undefined
  /** what the failed call still cost (a refused answer, an image that could not be fetched) */
  readonly usage: Usage | undefined

  constructor(
    kind: ProviderError['kind'],
    code: GenerationErrorCode,
    message: string,
    options: { retryAfterMs?: number; status?: number; usage?: Usage; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause })
    this.name = 'ProviderError'
    this.kind = kind
    this.code = code
    this.retryAfterMs = options.retryAfterMs
    this.status = options.status
    this.usage = options.usage
  }

  /** The same failure, saying what the call cost before it failed. */
  costing(usage: Usage | undefined): ProviderError {
    if (!usage || this.usage) return this
    const { kind, code, message, retryAfterMs, status } = this
    return new ProviderError(kind, code, message, { retryAfterMs, status, usage, cause: this.cause })
  }
}
