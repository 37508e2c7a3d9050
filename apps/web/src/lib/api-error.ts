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

  /** The error a failed answer stands for: its body's code and message, and its Retry-After. */
  static fromResponse(response: Response, body: unknown): ApiError {
    const { code, message } = (body ?? {}) as { code?: string; message?: string }
    const retryAfter = Number(response.headers.get('retry-after'))
    return new ApiError(
      response.status,
      code ?? 'ERROR',
      message ?? `the server answered ${response.status}`,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    )
  }

  /** The body field the API named in its message ("body.topic must …"), if any. */
  get field(): string | undefined {
    return /^body\.(\w+)/.exec(this.message)?.[1]
  }
}
