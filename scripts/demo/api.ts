// A minimal client of the Dreamify API for the demo: fetch only, sending requests and reading
// answers as the tests' and the benchmarks' client does (@dreamify/testkit).
import { type Answer, readAnswer, sendRequest } from '@dreamify/testkit/api-client'

/** A failure the demo explains to the user and exits with. */
export class DemoError extends Error {
  readonly exitCode: number
  constructor(message: string, exitCode = 1) {
    super(message)
    this.name = 'DemoError'
    this.exitCode = exitCode
  }
}

export const EXIT = { failed: 1, unreachable: 2, storyFailed: 3, timedOut: 4 } as const

const REQUEST_TIMEOUT_MS = 15_000

/** Whether an error thrown by fetch means nothing answered at that address. */
export function isNetworkError(error: unknown): boolean {
  return (
    error instanceof TypeError ||
    (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError'))
  )
}

/** `ECONNREFUSED`, `ENOTFOUND`, … or the error's message. */
export function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause
  return cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error)
}

export function unreachable(base: string, error: unknown): DemoError {
  return new DemoError(
    `dreamify demo: cannot reach the Dreamify API at ${base} (${networkCause(error)}).\n` +
      'Start it with `./dreamify start` (it needs Postgres and Redis), or point DREAMIFY_API_URL at a running API.',
    EXIT.unreachable,
  )
}

/** What an error answer says: `409 EMAIL_TAKEN: body.email is already registered`. */
export function describeAnswer(answer: Answer): string {
  const { json } = answer
  if (json && typeof json === 'object' && typeof json.code === 'string')
    return `${answer.status} ${json.code}: ${json.message ?? ''}`.trim()
  return `${answer.status} ${answer.text.slice(0, 200)}`.trim()
}

export class DemoClient {
  readonly base: string
  token = ''

  constructor(base: string) {
    this.base = base.replace(/\/+$/, '')
  }

  /** An absolute URL for a path or a URL the API gave out (image URLs are relative unless PUBLIC_URL is set). */
  resolve(pathOrUrl: string): string {
    return new URL(pathOrUrl, `${this.base}/`).toString()
  }

  async request(method: string, path: string, body?: unknown): Promise<Answer> {
    let response: Response
    try {
      response = await sendRequest(this.resolve(path), {
        method,
        body,
        token: this.token,
        headers: { accept: 'application/json' },
        timeoutMs: REQUEST_TIMEOUT_MS,
      })
    } catch (error) {
      if (isNetworkError(error)) throw unreachable(this.base, error)
      throw error
    }
    return readAnswer(response)
  }

  /** The request, which must answer `expected`; anything else is a DemoError naming the step. */
  async expect(step: string, expected: number, method: string, path: string, body?: unknown): Promise<any> {
    const answer = await this.request(method, path, body)
    if (answer.status !== expected) {
      const hint = answer.status === 429 ? ` (retry after ${answer.headers.get('retry-after') ?? 'a while'} s)` : ''
      throw new DemoError(`dreamify demo: ${step} failed: ${describeAnswer(answer)}${hint}`)
    }
    return answer.json
  }

  /** An image's bytes and content type, from a signed image URL (no bearer token). */
  async image(url: string): Promise<{ bytes: Uint8Array; contentType: string }> {
    let response: Response
    try {
      response = await fetch(this.resolve(url), { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
    } catch (error) {
      if (isNetworkError(error)) throw unreachable(this.base, error)
      throw error
    }
    if (!response.ok) throw new DemoError(`dreamify demo: fetching an illustration failed: ${response.status}`)
    return {
      bytes: new Uint8Array(await response.arrayBuffer()),
      contentType: response.headers.get('content-type') ?? '',
    }
  }
}
