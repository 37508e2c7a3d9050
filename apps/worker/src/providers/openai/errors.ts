import OpenAI from 'openai'
import { ProviderError, type Usage } from '../provider.ts'

export const usageOf = (kind: Usage['kind'], tokens: number | undefined): Usage | undefined =>
  tokens ? { kind, tokens } : undefined

/** A failed call that was answered still cost its tokens: the failure carries them for the metrics. */
export const costing = (error: unknown, usage: Usage | undefined) =>
  error instanceof ProviderError ? error.costing(usage) : error

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'))
  if (Number.isFinite(ms) && ms > 0) return ms
  const seconds = headers?.get('retry-after')
  if (!seconds) return undefined
  const asNumber = Number(seconds)
  if (Number.isFinite(asNumber)) return asNumber * 1000
  const date = Date.parse(seconds)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

/** Maps the SDK's errors onto the queue's failure policy. */
export function classify(error: unknown): unknown {
  if (error instanceof ProviderError) return error
  if (error instanceof OpenAI.APIUserAbortError) return error
  if (error instanceof OpenAI.APIConnectionError) {
    return new ProviderError('transient', 'PROVIDER_UNAVAILABLE', `provider unreachable: ${error.message}`, {
      cause: error,
    })
  }
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? 0
    const code = (error.code ?? '') as string
    if (status === 429) {
      return new ProviderError('rate_limited', 'PROVIDER_UNAVAILABLE', 'provider rate limit', {
        status,
        retryAfterMs: retryAfterMs(error.headers) ?? 10_000,
        cause: error,
      })
    }
    if (status >= 500 || status === 408 || status === 409) {
      return new ProviderError('transient', 'PROVIDER_UNAVAILABLE', `provider answered ${status}`, {
        status,
        cause: error,
      })
    }
    if (status === 401 || status === 403)
      return new ProviderError('permanent', 'PROVIDER_AUTH', `provider refused our credentials (${status})`, {
        status,
        cause: error,
      })
    if (code === 'content_policy_violation' || /content.?policy|safety/i.test(error.message)) {
      return new ProviderError(
        'permanent',
        'PROVIDER_REFUSED',
        'the provider refused the request under its content policy',
        { status, cause: error },
      )
    }
    return new ProviderError(
      'permanent',
      'PROVIDER_REJECTED',
      `provider rejected the request (${status}): ${error.message}`,
      { status, cause: error },
    )
  }
  // A stream that broke off mid-way surfaces as a plain error from the body reader.
  if (error instanceof Error && /terminated|ECONNRESET|socket|aborted|premature/i.test(error.message)) {
    return new ProviderError('transient', 'PROVIDER_UNAVAILABLE', `provider connection broke: ${error.message}`, {
      cause: error,
    })
  }
  return error
}
