import { aChild, aStory } from './api-payloads.ts'
import { waitFor } from './wait-for.ts'

/** An answer of the API: its body as text, and as JSON when it is JSON. */
export interface Answer {
  status: number
  headers: Headers
  json: any
  text: string
}

export interface JsonRequest {
  method: string
  body?: unknown
  /** sent as a bearer token when not empty */
  token?: string
  headers?: Record<string, string>
  timeoutMs: number
}

/** Sends a request the way a frontend does: the body as JSON, the bearer token when there is one. */
export function sendRequest(
  url: string,
  { method, body, token, headers = {}, timeoutMs }: JsonRequest,
): Promise<Response> {
  return fetch(url, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    // A request never hangs its caller (a waitFor probe that times out is simply tried again).
    signal: AbortSignal.timeout(timeoutMs),
  })
}

/** Reads an answer's body; `json` is undefined when the body is empty or not JSON. */
export async function readAnswer(response: Response): Promise<Answer> {
  const text = await response.text()
  let json: any
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  return { status: response.status, headers: response.headers, json, text }
}

/** Looks at every answer the client receives (the tests hold each one to the OpenAPI document). */
export type AnswerObserver = (method: string, path: string, answer: Answer) => void

export interface ApiClientOptions {
  timeoutMs?: number
  onAnswer?: AnswerObserver
}

/** A parent using the API over HTTP, as a frontend would. */
export class ApiClient {
  readonly base: string
  readonly timeoutMs: number
  readonly onAnswer: AnswerObserver | undefined
  token = ''

  constructor(base: string, { timeoutMs = 15_000, onAnswer }: ApiClientOptions = {}) {
    this.base = base
    this.timeoutMs = timeoutMs
    this.onAnswer = onAnswer
  }

  /** A request that could not be sent fails naming it: `GET /api/jobs/…: fetch failed (connect ECONNREFUSED …)`. */
  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await sendRequest(`${this.base}${path}`, {
      method,
      body,
      token: this.token,
      headers,
      timeoutMs: this.timeoutMs,
    }).catch((error: Error & { cause?: Error }) => {
      throw new Error(`${method} ${path}: ${error.message}${error.cause ? ` (${error.cause.message})` : ''}`, {
        cause: error,
      })
    })
    const answer = await readAnswer(response)
    this.onAnswer?.(method, path, answer)
    return answer
  }

  /** Registers a fresh parent and logs in as them. */
  async signUp(name = 'Parent'): Promise<this> {
    const email = `${name.toLowerCase()}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`
    const registered = await this.request('POST', '/api/auth/register', {
      first_name: name,
      last_name: 'Test',
      email,
      password: 'correct horse',
    })
    if (registered.status !== 201) throw new Error(`register: ${registered.status} ${registered.text}`)
    const login = await this.request('POST', '/api/auth/login', { email, password: 'correct horse' })
    if (login.status !== 200) throw new Error(`login: ${login.status} ${login.text}`)
    this.token = login.json.access_token
    return this
  }

  async addChild(overrides: Record<string, unknown> = {}) {
    const response = await this.request('POST', '/api/children', { ...aChild, ...overrides })
    if (response.status !== 201) throw new Error(`add child: ${response.status} ${response.text}`)
    return response.json as { child: { id: string; avatar_url: string | null }; avatar_job_id: string }
  }

  /** The answer as it is, so a test can look at a refusal too. */
  async requestStory(childId: string, topic?: string): Promise<Answer> {
    return this.request('POST', '/api/stories', aStory(childId, topic))
  }

  /** Polls a job until it is finished, collecting every state seen on the way. */
  async pollJob(jobId: string, { intervalMs = 100, timeoutMs = 60_000 } = {}) {
    const seen: any[] = []
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const { json } = await this.request('GET', `/api/jobs/${jobId}`)
      seen.push(json)
      if (['completed', 'failed', 'cancelled'].includes(json.status)) return { final: json, seen }
      await new Promise((r) => setTimeout(r, intervalMs))
    }
    throw new Error(`job ${jobId} did not finish: last ${JSON.stringify(seen.at(-1))}`)
  }

  /**
   * A story once every ready picture has its WebP variants: the image-variants step makes them
   * after the picture settles, so they may come a moment after the story completes.
   */
  async storyWithVariants(storyId: string, { timeoutMs = 30_000 } = {}) {
    return waitFor(
      `the image variants of story ${storyId}`,
      async () => {
        const { json } = await this.request('GET', `/api/stories/${storyId}`)
        const made = json.chapters.every((c: any) => c.image_status !== 'ready' || c.image_srcset !== null)
        return made && json
      },
      { timeoutMs },
    )
  }
}
