import type { ServerResponse } from 'node:http'
import type { FaultKind } from './faults.ts'
import { sendAnswer, sendJson, sendMissing } from './openai-errors.ts'

// omni-moderation's categories, each scored by the fake.
export const MODERATION_CATEGORIES = [
  'harassment',
  'harassment/threatening',
  'hate',
  'hate/threatening',
  'illicit',
  'illicit/violent',
  'self-harm',
  'self-harm/intent',
  'self-harm/instructions',
  'sexual',
  'sexual/minors',
  'violence',
  'violence/graphic',
] as const

/** The marker a test puts in a text to have it flagged, unless `moderationMarkers` says otherwise. */
export const DEFAULT_MODERATION_MARKER = 'moderation-test-flag'

export interface FakeModerationOptions {
  /** false: /v1/moderations answers 404, as Ollama and vLLM do */
  moderations?: boolean
  /** text containing a marker (any case) is flagged in the category it maps to */
  moderationMarkers?: Record<string, string>
  /** how many more inputs may be flagged by markers (unset = no limit); lets a rewrite pass */
  moderationFlagLimit?: number | null
  /** flags the next N image inputs (the fake cannot look at pictures) */
  flagNextImages?: number
}

type ModerationSettings = Required<Omit<FakeModerationOptions, 'moderationFlagLimit'>> & {
  moderationFlagLimit: number | null
}

const DEFAULTS: ModerationSettings = {
  moderations: true,
  moderationMarkers: { [DEFAULT_MODERATION_MARKER]: 'violence' },
  moderationFlagLimit: null,
  flagNextImages: 0,
}

type Input = { type?: string; text?: string; image_url?: { url?: string } } | string
interface Result {
  flagged: boolean
  categories: Record<string, boolean>
  category_scores: Record<string, number>
}
const KEYS = ['moderations', 'moderationMarkers', 'moderationFlagLimit', 'flagNextImages'] as const

/** /v1/moderations: flags marked texts and the next N images, and honours the fake's fault injection. */
export function createFakeModerations(initial: FakeModerationOptions) {
  const start: ModerationSettings = { ...DEFAULTS, ...definedOnly(initial) }
  let settings = { ...start }

  function verdict(input: Input): Result {
    const scores: Record<string, number> = Object.fromEntries(MODERATION_CATEGORIES.map((c) => [c, 0.0001]))
    let category: string | undefined
    if (typeof input === 'string' || input.type === 'text') {
      const text = (typeof input === 'string' ? input : (input.text ?? '')).toLowerCase()
      const marker = Object.keys(settings.moderationMarkers).find((m) => text.includes(m.toLowerCase()))
      if (marker && (settings.moderationFlagLimit === null || settings.moderationFlagLimit > 0)) {
        category = settings.moderationMarkers[marker]
        if (settings.moderationFlagLimit !== null) settings.moderationFlagLimit--
      }
    } else if (settings.flagNextImages > 0) {
      settings.flagNextImages--
      category = 'violence'
    }
    if (category) scores[category] = 0.97
    const categories = Object.fromEntries(MODERATION_CATEGORIES.map((c) => [c, scores[c]! >= 0.5]))
    return { flagged: category !== undefined, categories, category_scores: scores }
  }

  return {
    configure(patch: FakeModerationOptions) {
      settings = { ...settings, ...definedOnly(patch) }
      if ('moderationFlagLimit' in patch) settings.moderationFlagLimit = patch.moderationFlagLimit ?? null
    },
    reset() {
      settings = { ...start }
    },
    get enabled() {
      return settings.moderations
    },
    /** Answers one call; `fault` is an HTTP fault the caller could not send itself (malformed, break). */
    answer(res: ServerResponse, body: Record<string, unknown>, fault: FaultKind | null) {
      const raw = body.input
      const inputs: Input[] = Array.isArray(raw) ? (raw as Input[]) : typeof raw === 'string' ? [raw] : []
      if (inputs.length === 0) return sendMissing(res, 'input')
      // A multi-modal array is one input made of parts; an array of strings is several inputs.
      const results = inputs.every((i) => typeof i === 'string') ? inputs.map(verdict) : [merge(inputs.map(verdict))]
      const answer = { id: `modr-${Date.now()}`, model: body.model ?? 'omni-moderation-latest', results }
      if (fault === 'malformed') return sendJson(res, 200, { id: answer.id, model: answer.model })
      sendAnswer(res, answer, fault)
    },
  }
}

function merge(parts: Result[]): Result {
  const scores: Record<string, number> = {}
  for (const part of parts)
    for (const [c, s] of Object.entries(part.category_scores)) scores[c] = Math.max(scores[c] ?? 0, s)
  return {
    flagged: parts.some((p) => p.flagged),
    categories: Object.fromEntries(Object.entries(scores).map(([c, s]) => [c, s >= 0.5])),
    category_scores: scores,
  }
}

// Only this file's options, and only those given: the fake's other options pass through untouched.
function definedOnly(patch: FakeModerationOptions): FakeModerationOptions {
  return Object.fromEntries(
    KEYS.filter((key) => patch[key] !== undefined).map((key) => [key, patch[key]]),
  ) as FakeModerationOptions
}
