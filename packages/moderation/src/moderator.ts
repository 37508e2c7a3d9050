/** Which implementation made a decision; `local` is the offline, lower-assurance one. */
export type ModeratorName = 'openai' | 'local'

/** How far a moderator's decisions can be trusted: `lower` for the offline word lists. */
export type Assurance = 'standard' | 'lower'

export type ModerationDecision = 'allowed' | 'flagged'

/** Where in the pipeline a check ran. */
export const MODERATION_STAGES = ['request', 'topic', 'story_text', 'image_prompt', 'image'] as const
export type ModerationStage = (typeof MODERATION_STAGES)[number]

export interface CategoryScore {
  category: string
  score: number
}

export interface ModerationVerdict {
  decision: ModerationDecision
  moderator: ModeratorName
  /** the highest-scoring categories, highest first (at most 3); never the text itself */
  categories: CategoryScore[]
}

export type ModerationInput = { text: string } | { image: { bytes: Buffer; contentType: string } }

/** One interface for every moderator; one file per implementation. */
export interface Moderator {
  readonly name: ModeratorName
  readonly assurance: Assurance
  /** whether `check` accepts images (otherwise only text) */
  readonly supportsImages: boolean
  check(input: ModerationInput, signal?: AbortSignal): Promise<ModerationVerdict>
}

/**
 * The moderator could not give an answer (unreachable, 5xx, 429, a malformed reply). Callers fail
 * closed: the step is retried like any transient provider error, never skipped.
 */
export class ModeratorUnavailableError extends Error {
  readonly status: number | undefined
  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.name = 'ModeratorUnavailableError'
    this.status = options.status
  }
}

export const MAX_REPORTED_CATEGORIES = 3

/** The top categories by score, for the audit trail. */
export function topCategories(scores: Record<string, number>, limit = MAX_REPORTED_CATEGORIES): CategoryScore[] {
  return Object.entries(scores)
    .filter(([, score]) => Number.isFinite(score))
    .sort(([, a], [, b]) => b - a)
    .slice(0, limit)
    .map(([category, score]) => ({ category, score: Math.round(score * 10_000) / 10_000 }))
}
