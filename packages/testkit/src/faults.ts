export const FAULT_KINDS = ['429', '500', 'hang', 'malformed', 'refusal', 'break', '401'] as const
export type FaultKind = (typeof FAULT_KINDS)[number]
export type FaultScope = 'text' | 'images' | 'moderations' | 'all'
export type Endpoint = 'text' | 'images' | 'moderations'

/** The POST paths the fake answers, by the endpoint their faults are scoped to. */
export const ENDPOINT_PATHS: Record<string, Endpoint> = {
  '/v1/chat/completions': 'text',
  '/v1/images/generations': 'images',
  '/v1/images/edits': 'images',
  '/v1/moderations': 'moderations',
}

export interface FaultOptions {
  /** Fractions 0..1 of in-scope calls; they add up (one draw per call), checked in this order. */
  rateHang?: number
  rate429?: number
  rate500?: number
  rateRefusal?: number
  rateMalformed?: number
  rateBreakStream?: number
  /** Retry-After for 429s (default 1). */
  retryAfterSeconds?: number
}

const RATES: ReadonlyArray<readonly [keyof FaultOptions, FaultKind]> = [
  ['rateHang', 'hang'],
  ['rate429', '429'],
  ['rate500', '500'],
  ['rateRefusal', 'refusal'],
  ['rateMalformed', 'malformed'],
  ['rateBreakStream', 'break'],
]

export interface FaultState {
  faults: FaultOptions
  failNext: FaultKind[]
  scope: FaultScope
}

export function inScope(scope: FaultScope, endpoint: Endpoint): boolean {
  return scope === 'all' || scope === endpoint
}

/**
 * The fault for one call: the head of `failNext` (consumed) when there is one, else a random
 * draw against the rates. Out-of-scope calls neither consume the queue nor draw.
 */
export function decideFault(state: FaultState, endpoint: Endpoint, random: () => number): FaultKind | null {
  if (!inScope(state.scope, endpoint)) return null
  const forced = state.failNext.shift()
  if (forced) return forced
  const draw = random()
  let edge = 0
  for (const [key, kind] of RATES) {
    edge += Math.max(0, Number(state.faults[key] ?? 0))
    if (draw < edge) return kind
  }
  return null
}

export function isFaultKind(value: unknown): value is FaultKind {
  return (FAULT_KINDS as readonly unknown[]).includes(value)
}
