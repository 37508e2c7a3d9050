import { aChild } from './api.ts'

/** A parent using the API over HTTP, as a frontend would. */
export class ApiClient {
  readonly base: string
  token = ''

  constructor(base: string) {
    this.base = base
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      // A request never hangs a test: a probe that times out is simply tried again.
      signal: AbortSignal.timeout(15_000),
    })
    const text = await response.text()
    let json: any
    try {
      json = text ? JSON.parse(text) : undefined
    } catch {
      json = undefined
    }
    return { status: response.status, headers: response.headers, json, text }
  }

  async signUp(name = 'Parent') {
    const email = `${name.toLowerCase()}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`
    const registered = await this.request('POST', '/api/auth/register', { first_name: name, last_name: 'Test', email, password: 'correct horse' })
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

  async requestStory(childId: string, topic = 'a lost red balloon') {
    return this.request('POST', '/api/stories', { child_id: childId, topic, story_genre: 'Adventure', image_style: 'Watercolor' })
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
}
