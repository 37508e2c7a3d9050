import { type Config, loadConfig } from '@dreamify/core'
import type { Db } from '@dreamify/db'
import { aChild } from '@dreamify/testkit'
import { type App, buildApp } from '../../apps/api/src/app.ts'
import { expectDocumented } from './openapi-conformance.ts'
import { createTestQueues } from './queues.ts'

export { aChild } from '@dreamify/testkit'

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256-signing'

export function testConfig(env: Record<string, string> = {}): Config {
  // Abuse limits are off unless a test is about them: test files register many parents from one address.
  return loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_SECRET,
    LOG_LEVEL: 'silent',
    REGISTRATIONS_PER_HOUR_PER_IP: '0',
    LOGIN_ATTEMPTS_PER_15_MIN: '0',
    ...env,
  })
}

/** The real app on the test file's database and a queue prefix of its own (Redis is real too). */
export async function buildTestApp(db: Db, env: Record<string, string> = {}): Promise<App> {
  const { redis, queues, prefix } = createTestQueues()
  const app = await buildApp({ config: testConfig({ QUEUE_PREFIX: prefix, ...env }), db, queues, redis })
  await app.ready()
  return holdToDocument(app)
}

// Fastify's own names for these are not a dependency of the repository root.
interface InjectOptions {
  method?: string
  url?: string | { pathname?: string }
  path?: string | { pathname?: string }
  [option: string]: unknown
}
type LightMyRequestResponse = Awaited<ReturnType<App['inject']>>
type Inject = (options: InjectOptions | string) => Promise<LightMyRequestResponse>
const uncheckedInjects = new WeakMap<App, Inject>()

/**
 * Makes the app's `inject` check every answer against docs/openapi.json (see openapi-conformance.ts),
 * so a route test fails on an undocumented route or status, or a body its schema refuses.
 * buildTestApp does it; a test that builds its app by hand calls it too.
 */
export function holdToDocument(app: App): App {
  const inject = app.inject.bind(app) as unknown as Inject
  uncheckedInjects.set(app, inject)
  app.inject = (async (options: InjectOptions | string) => {
    const response = await inject(options)
    const request = typeof options === 'string' ? { url: options, method: 'GET' } : options
    const url = request.url ?? request.path
    expectDocumented({
      method: request.method ?? 'GET',
      url: typeof url === 'string' ? url : (url?.pathname ?? '/'),
      status: response.statusCode,
      contentType: response.headers['content-type']?.toString(),
      body: response.body,
    })
    return response
  }) as unknown as App['inject']
  return app
}

/**
 * The escape hatch: `outsideTheDocument(app).inject(…)` sends a request unchecked. Only for requests
 * the router itself refuses before any route sees them (a path that is no route at all), whose
 * answer no operation of the document can describe.
 */
export function outsideTheDocument(app: App): { inject: App['inject'] } {
  const inject = uncheckedInjects.get(app)
  if (!inject) throw new Error('outsideTheDocument: the app was not built by buildTestApp or holdToDocument')
  return { inject: inject as unknown as App['inject'] }
}

let counter = 0

/** Registers and logs in a fresh parent; returns the bearer header and the parent's id. */
export async function signUp(app: App, name = 'Parent') {
  const email = `${name.toLowerCase()}-${process.pid}-${Date.now()}-${counter++}@example.com`
  const registered = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { first_name: name, last_name: 'Test', email, password: 'correct horse' },
  })
  if (registered.statusCode !== 201) throw new Error(`register failed: ${registered.body}`)
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password: 'correct horse' },
  })
  const { access_token } = login.json() as { access_token: string }
  return {
    email,
    parentId: registered.json().parent.id as string,
    headers: { authorization: `Bearer ${access_token}` },
    token: access_token,
  }
}

/**
 * Adds a child for the parent and requests a story for them, through the API; with no worker
 * running, the story stays queued until a test moves it.
 */
export async function aQueuedStory(app: App, headers: Record<string, string>) {
  const child = await app.inject({ method: 'POST', url: '/api/children', headers, payload: aChild })
  const story = await app.inject({
    method: 'POST',
    url: '/api/stories',
    headers,
    payload: { child_id: child.json().child.id, topic: 'a kite', story_genre: 'Adventure', image_style: 'Cartoon' },
  })
  if (story.statusCode !== 202) throw new Error(`story request failed: ${story.body}`)
  return story.json() as { story_id: string; job_id: string }
}

/** Every error answer has exactly the one shape. */
export function expectErrorShape(body: unknown, statusCode: number, code?: string) {
  const error = body as Record<string, unknown>
  if (Object.keys(error).sort().join() !== 'code,error,message,statusCode')
    throw new Error(`not the error shape: ${JSON.stringify(body)}`)
  if (error.statusCode !== statusCode) throw new Error(`expected ${statusCode}, got ${JSON.stringify(body)}`)
  if (code !== undefined && error.code !== code) throw new Error(`expected code ${code}, got ${JSON.stringify(body)}`)
  return error as { statusCode: number; code: string; error: string; message: string }
}
