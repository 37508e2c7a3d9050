import type { GenerationErrorCode, StoryGenre } from '@dreamify/core'
import type { ChildProfile } from '@dreamify/db'

export type { ChildProfile }

export type StoryFormat = 'json' | 'tagged'

export interface StoryRequest {
  child: ChildProfile
  topic: string
  genre: StoryGenre
  chapters: number
  format: StoryFormat
  messages: { system: string; user: string }
  /** stream the text as it is written, or answer it in one piece */
  stream: boolean
}

export interface GeneratedImage {
  bytes: Buffer
  contentType: string
}

export interface Usage {
  kind: 'text' | 'image'
  tokens: number
}

/** One interface for every provider; one file per provider. */
export interface GenerationProvider {
  readonly name: string
  /** the story format this provider answers in (structured JSON where the server can) */
  readonly storyFormat: StoryFormat
  /** Yields the story's text as it arrives (one piece when not streaming). */
  writeStory(request: StoryRequest, signal: AbortSignal): AsyncIterable<string>
  drawImage(prompt: string, signal: AbortSignal, purpose?: 'chapter' | 'avatar'): Promise<GeneratedImage>
  /** called with token counts as the provider reports them, for the cost metrics */
  onUsage?: (usage: Usage) => void
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

  constructor(
    kind: ProviderError['kind'],
    code: GenerationErrorCode,
    message: string,
    options: { retryAfterMs?: number; status?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause })
    this.name = 'ProviderError'
    this.kind = kind
    this.code = code
    this.retryAfterMs = options.retryAfterMs
    this.status = options.status
  }
}
