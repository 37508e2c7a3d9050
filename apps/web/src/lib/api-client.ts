import createClient from 'openapi-fetch'
import type { components, paths } from './api-schema'
import { refreshSession, session } from './session.ts'

export type ApiSchemas = components['schemas']

/** An answer in the API's one error shape, kept with its status (and Retry-After for a 429). */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly retryAfterSeconds: number | undefined

  constructor(status: number, code: string, message: string, retryAfterSeconds?: number) {
    super(message)
    this.status = status
    this.code = code
    this.retryAfterSeconds = retryAfterSeconds
  }

  /** The body field the API named in its message ("body.topic must …"), if any. */
  get field(): string | undefined {
    return /^body\.(\w+)/.exec(this.message)?.[1]
  }
}

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
  const body = (error ?? {}) as { code?: string; message?: string }
  const retryAfter = Number(response.headers.get('retry-after'))
  throw new ApiError(
    response.status,
    body.code ?? 'ERROR',
    body.message ?? `the server answered ${response.status}`,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  )
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
