import type { Config } from '@dreamify/core'

/** Statuses by which a server says it has no /v1/audio/speech (Ollama, vLLM and others answer 404). */
const ABSENT = new Set([404, 405, 501])
const RECHECK_ABSENT_MS = 10 * 60_000
const PROBE_TIMEOUT_MS = 5000

/**
 * Whether the provider can narrate, for GET /api/options. The offline provider always can. The
 * openai provider's server is asked once, lazily (a one-character input), and only an answer saying
 * the route does not exist means no, rechecked every 10 minutes; a server that is down or slow now
 * is assumed to have it. Either way no story fails for it: a chapter the server cannot narrate
 * settles with its audio failed (NARRATION_UNAVAILABLE).
 */
export function createNarrationAvailability(config: Config['generation']): () => Promise<boolean> {
  if (config.provider !== 'openai') return async () => true
  const { baseURL = 'https://api.openai.com/v1', apiKey, ttsModel } = config.openai
  let known: { available: boolean; until: number } | undefined
  let probing: Promise<boolean> | undefined

  async function probe(): Promise<boolean> {
    try {
      const response = await fetch(`${baseURL.replace(/\/$/, '')}/audio/speech`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
        body: JSON.stringify({ model: ttsModel, voice: 'sage', input: '.', response_format: 'mp3' }),
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      })
      await response.body?.cancel()
      const available = !ABSENT.has(response.status)
      known = { available, until: available ? Number.POSITIVE_INFINITY : Date.now() + RECHECK_ABSENT_MS }
      return available
    } catch {
      return true
    }
  }

  return async () => {
    if (known && known.until > Date.now()) return known.available
    probing ??= probe().finally(() => {
      probing = undefined
    })
    return probing
  }
}
