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
