import OpenAI from 'openai'
import {
  type CategoryScore,
  type ModerationInput,
  type ModerationVerdict,
  type Moderator,
  ModeratorUnavailableError,
  topCategories,
} from './moderator.ts'

export const OPENAI_MODERATION_MODEL = 'omni-moderation-latest'
/** How many times a failed check is sent again within the step. */
export const CHECK_RETRIES = 2

export interface OpenAIModeratorOptions {
  apiKey: string | undefined
  baseURL: string | undefined
  timeoutMs: number
  /** category → the score at or above which it flags */
  thresholds: Record<string, number>
}

export function createModerationClient(options: Pick<OpenAIModeratorOptions, 'apiKey' | 'baseURL' | 'timeoutMs'>) {
  // Unlike a text or image call, a check is cheap and idempotent, while the step that fails on one
  // is retried whole (the text step would stream the story again). So the SDK retries a check
  // CHECK_RETRIES times, backing off and honouring Retry-After, before the step fails: still closed.
  return new OpenAI({
    apiKey: options.apiKey ?? null,
    baseURL: options.baseURL ?? null,
    timeout: options.timeoutMs,
    maxRetries: CHECK_RETRIES,
  })
}

/** Decides on our own thresholds, never on the API's `flagged`. */
export function decideOnScores(scores: Record<string, number>, thresholds: Record<string, number>) {
  const over: CategoryScore[] = []
  for (const [category, threshold] of Object.entries(thresholds)) {
    const score = scores[category]
    if (typeof score === 'number' && score >= threshold) over.push({ category, score })
  }
  return over.length > 0 ? 'flagged' : 'allowed'
}

/**
 * POST /v1/moderations with omni-moderation-latest through the official SDK: text, and images
 * (the model scores violence, self-harm and sexual content in pictures).
 */
export function createOpenAIModerator(options: OpenAIModeratorOptions): Moderator {
  const client = createModerationClient(options)
  return {
    name: 'openai',
    assurance: 'standard',
    supportsImages: true,
    async check(input: ModerationInput, signal?: AbortSignal): Promise<ModerationVerdict> {
      const content: OpenAI.ModerationMultiModalInput[] =
        'text' in input
          ? [{ type: 'text', text: input.text }]
          : [
              {
                type: 'image_url',
                image_url: { url: `data:${input.image.contentType};base64,${input.image.bytes.toString('base64')}` },
              },
            ]
      let response: OpenAI.ModerationCreateResponse
      try {
        response = await client.moderations.create(
          { model: OPENAI_MODERATION_MODEL, input: content },
          signal ? { signal } : {},
        )
      } catch (error) {
        if (error instanceof OpenAI.APIUserAbortError) throw error
        const status = error instanceof OpenAI.APIError ? error.status : undefined
        throw new ModeratorUnavailableError(`the moderator did not answer: ${(error as Error).message}`, {
          ...(status === undefined ? {} : { status }),
          cause: error,
        })
      }
      const scores = response.results?.[0]?.category_scores as unknown as Record<string, number> | undefined
      if (!scores || typeof scores !== 'object')
        throw new ModeratorUnavailableError('the moderator answered without category_scores')
      return {
        decision: decideOnScores(scores, options.thresholds),
        moderator: 'openai',
        categories: topCategories(scores),
      }
    },
  }
}
