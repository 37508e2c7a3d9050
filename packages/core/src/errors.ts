import errorCodes from './error-codes.json' with { type: 'json' }

// The error codes are data (error-codes.json). `api` is every error the API can answer with, with
// its status: the OpenAPI document's error table is generated from it, and a test holds the
// README's table to it. `generation` is why a job failed (below).
export const ERROR_CODES: Readonly<Record<keyof typeof errorCodes.api, { status: number; description: string }>> =
  errorCodes.api

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
export const GENERATION_ERROR_CODES: Readonly<Record<keyof typeof errorCodes.generation, string>> =
  errorCodes.generation

export type GenerationErrorCode = keyof typeof GENERATION_ERROR_CODES
