import createClient from 'openapi-fetch'
import { ApiError } from './api-error.ts'
import type { components, paths } from './api-schema'
import { refreshSession, session } from './session.ts'

export { ApiError }

export type ApiSchemas = components['schemas']

/** The typed client for every call outside the session (see session.ts), same origin. */
export const api = createClient<paths>({ baseUrl: '' })

api.use({
  onRequest({ request }) {
    const token = session.token()
    if (token) request.headers.set('authorization', `Bearer ${token}`)
    return request
  },
  async onResponse({ response }) {
    // An expired access token: renew it once; the failed call is retried by its query.
    if (response.status === 401 && session.token()) await refreshSession()
    return response
  },
})

type Answer<T> = { data?: T; error?: unknown; response: Response }

/** The data of a successful answer, or an ApiError. */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await call
  if (response.ok) return data as T
  throw ApiError.fromResponse(response, error)
}

/** What to tell a parent about a failed call, in words. */
export function describeError(error: unknown): string {
  const status = (error as { status?: number }).status
  if (status === 429) {
    const after = (error as ApiError).retryAfterSeconds
    return after
      ? `Too many requests. Please try again in ${after} seconds.`
      : 'Too many requests. Please wait a moment.'
  }
  if (status !== undefined && status >= 500) return 'Something went wrong on our side. Please try again.'
  if (error instanceof Error && status !== undefined) return error.message
  return 'We could not reach Dreamify. Check your connection and try again.'
}
