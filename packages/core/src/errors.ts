// Every error the API can answer with. The README's error table is generated from the same list
// (see ERROR_CODES), so the two cannot drift apart.
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, description: 'A field breaks a rule; the message names the field and the rule.' },
  INVALID_JSON: { status: 400, description: 'The body is not valid JSON.' },
  INVALID_ID: { status: 400, description: 'A path id is not a UUID (or not a job id).' },
  INVALID_CURSOR: { status: 400, description: 'The pagination cursor is malformed.' },
  EMPTY_UPDATE: { status: 400, description: 'A PATCH carried none of the updatable fields.' },
  UNAUTHORIZED: {
    status: 401,
    description: 'The bearer token is missing, malformed, expired or wrongly signed, or its session has ended.',
  },
  INVALID_CREDENTIALS: { status: 401, description: 'Email or password is wrong (the same answer for both).' },
  SESSION_EXPIRED: {
    status: 401,
    description: "The refresh token is past its session's absolute expiry; sign in again.",
  },
  SESSION_REVOKED: {
    status: 401,
    description: 'The refresh token is unknown, or its session was ended (logout, reuse detected, password change).',
  },
  FORBIDDEN: { status: 403, description: 'The credentials are valid but do not allow this.' },
  NOT_FOUND: { status: 404, description: 'No such resource, or it belongs to another parent.' },
  EMAIL_TAKEN: { status: 409, description: 'An account with this email already exists.' },
  CONFLICT: {
    status: 409,
    description: 'The resource is in a state that does not allow this (for example cancelling a finished story).',
  },
  IDEMPOTENCY_IN_FLIGHT: {
    status: 409,
    description: 'The first request with this Idempotency-Key is still being processed.',
  },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The body is larger than the limit.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: 'The body is not application/json.' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, description: 'The Idempotency-Key was used before with a different body.' },
  CONTENT_REFUSED: {
    status: 422,
    description: 'A text field is not suitable for a bedtime story; the message names the field. Rephrase it.',
  },
  RATE_LIMITED: { status: 429, description: 'Too many requests; see Retry-After.' },
  INTERNAL: {
    status: 500,
    description: 'Something went wrong on our side; details are in the logs under the request id.',
  },
  SERVICE_UNAVAILABLE: { status: 503, description: 'A dependency (Postgres or Redis) is unavailable; retry later.' },
} as const satisfies Record<string, { status: number; description: string }>

export type ErrorCode = keyof typeof ERROR_CODES

/** A failure the client caused or may act on; the API's error handler turns it into the one error shape. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly statusCode: number
  readonly headers: Record<string, string>

  constructor(code: ErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.statusCode = ERROR_CODES[code].status
    this.headers = headers
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`)

/**
 * The value, or the NOT_FOUND error naming `what` when there is none: reads are scoped to the
 * parent, so another parent's resource and a missing one give the same answer.
 */
export function found<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw notFound(what)
  return value
}

// Why a generation job failed: stored on the job and the story, shown to the client as error.code.
export const GENERATION_ERROR_CODES = {
  PROVIDER_REFUSED: 'The provider refused the request (content policy).',
  PROVIDER_REJECTED: 'The provider rejected the request as invalid (4xx).',
  PROVIDER_AUTH: 'The provider rejected our credentials.',
  PROVIDER_UNAVAILABLE: 'The provider kept failing (5xx, timeouts, 429) after every retry.',
  STORY_UNPARSEABLE: 'The provider kept answering with text that is not a story in the requested shape.',
  IMAGE_UNAVAILABLE: 'The image could not be drawn after every retry.',
  NARRATION_UNAVAILABLE: 'The chapter could not be narrated: the server has no speech endpoint, or it kept failing.',
  CONTENT_REFUSED: 'The moderator found the topic unsuitable for a bedtime story; nothing was sent to the provider.',
  CONTENT_FLAGGED: 'The story (or a picture) was flagged by the moderator twice; the flagged content was not kept.',
  INTERNAL: 'An unexpected error in the worker.',
} as const

export type GenerationErrorCode = keyof typeof GENERATION_ERROR_CODES
