import { randomUUID } from 'node:crypto'
import { closeQueues, createQueues, createRedis } from '@dreamify/core'
import type { Db } from '@dreamify/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  aChild,
  buildTestApp,
  holdToDocument,
  outsideTheDocument,
  signUp,
  testConfig,
} from '../../../test/support/api.ts'
import { createTestDatabase } from '../../../test/support/database.ts'
import { freePort } from '../../../test/support/processes.ts'
import { type App, buildApp } from '../src/app.ts'

const ADMIN = { ADMIN_USER: 'ops', ADMIN_PASSWORD: 'a long admin password' }
const QUEUE_NAMES = [
  'story-text',
  'chapter-image',
  'chapter-text',
  'chapter-audio',
  'avatar',
  'image-variants',
  'erasure-sweep',
]

let db: Db
let app: App
let adminApp: App
beforeAll(async () => {
  ;({ db } = await createTestDatabase())
  app = await buildTestApp(db)
  adminApp = await buildTestApp(db, ADMIN)
})
afterAll(async () => {
  await app?.close()
  await adminApp?.close()
})

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
})

/** The value of one sample in Prometheus text, or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue
    const match = /^[^{ ]+(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!match) continue
    const found = Object.fromEntries(
      [...(match[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    )
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[2])
  }
  return undefined
}

describe('GET /metrics', () => {
  it('answers Prometheus text without auth, with the default process metrics under dreamify_api_', async () => {
    const response = await app.inject({ method: 'GET', url: '/metrics' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(response.body).toMatch(/^# HELP dreamify_api_process_cpu_user_seconds_total /m)
    expect(sample(response.body, 'dreamify_api_nodejs_heap_size_used_bytes')).toBeGreaterThan(0)
  })

  it('times requests by route pattern, not by raw URL', async () => {
    const { headers } = await signUp(app, 'Metrics')
    const id = randomUUID()
    expect((await app.inject({ method: 'GET', url: `/api/children/${id}`, headers })).statusCode).toBe(404)
    expect((await app.inject({ method: 'GET', url: `/api/children/${id}` })).statusCode).toBe(401)
    // A GET of an unknown page path is the web app's (its SPA fallback); an unknown POST matches no route,
    // and gets the router's own 404, outside the document.
    expect((await outsideTheDocument(app).inject({ method: 'POST', url: `/no/such/${id}` })).statusCode).toBe(404)
    const { body } = await app.inject({ method: 'GET', url: '/metrics' })
    expect(body).toContain('# TYPE dreamify_http_request_duration_seconds histogram')
    const route = '/api/children/:child_id'
    expect(
      sample(body, 'dreamify_http_request_duration_seconds_count', { method: 'GET', route, status_code: '404' }),
    ).toBe(1)
    expect(
      sample(body, 'dreamify_http_request_duration_seconds_count', { method: 'GET', route, status_code: '401' }),
    ).toBe(1)
    expect(
      sample(body, 'dreamify_http_request_duration_seconds_bucket', {
        method: 'GET',
        route,
        status_code: '401',
        le: '+Inf',
      }),
    ).toBe(1)
    expect(
      sample(body, 'dreamify_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/api/auth/register',
        status_code: '201',
      }),
    ).toBeGreaterThanOrEqual(1)
    expect(
      sample(body, 'dreamify_http_request_duration_seconds_count', {
        method: 'POST',
        route: '(unmatched)',
        status_code: '404',
      }),
    ).toBe(1)
    // No raw ids in label values: one series per route, however many ids are asked for.
    expect(body).not.toContain(id)
  })

  it('reports the depth of each queue, read at scrape time', async () => {
    const before = await app.inject({ method: 'GET', url: '/metrics' })
    for (const queue of QUEUE_NAMES) {
      for (const state of ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized']) {
        expect(sample(before.body, 'dreamify_queue_jobs', { queue, state }), `${queue} ${state}`).toEqual(
          expect.any(Number),
        )
      }
    }
    // No worker runs here: a new child's avatar job stays waiting.
    const waiting = sample(before.body, 'dreamify_queue_jobs', { queue: 'avatar', state: 'waiting' })!
    const { headers } = await signUp(app, 'Depth')
    expect((await app.inject({ method: 'POST', url: '/api/children', headers, payload: aChild })).statusCode).toBe(201)
    const after = await app.inject({ method: 'GET', url: '/metrics' })
    expect(sample(after.body, 'dreamify_queue_jobs', { queue: 'avatar', state: 'waiting' })).toBe(waiting + 1)
  })

  it('is left out of the OpenAPI document', async () => {
    const docs = (await app.inject({ method: 'GET', url: '/docs/json' })).json()
    expect(Object.keys(docs.paths)).not.toContain('/metrics')
    expect(Object.keys(docs.paths).some((path) => path.startsWith('/admin'))).toBe(false)
  })

  it('still answers, without queue series, while Redis is unreachable', async () => {
    const deadUrl = `redis://127.0.0.1:${await freePort()}`
    const redis = createRedis(deadUrl, 'producer')
    const queues = createQueues(redis, 'dreamify-test-unreachable')
    for (const queue of Object.values(queues)) queue.on('error', () => {})
    const offline = holdToDocument(await buildApp({ config: testConfig(), db, queues, redis }))
    try {
      const started = Date.now()
      const response = await offline.inject({ method: 'GET', url: '/metrics' })
      expect(response.statusCode).toBe(200)
      expect(Date.now() - started).toBeLessThan(5000)
      expect(response.body).toContain('dreamify_api_process_cpu_user_seconds_total')
      expect(sample(response.body, 'dreamify_queue_jobs')).toBeUndefined()
      const ready = await offline.inject({ method: 'GET', url: '/health/ready' })
      expect(ready.statusCode).toBe(503)
      expect(ready.json().checks).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'down' } })
    } finally {
      await offline.close()
      await closeQueues(queues).catch(() => undefined)
      redis.disconnect()
    }
  })
})

describe('/admin/queues (bull-board)', () => {
  it('does not exist without ADMIN_USER', async () => {
    for (const url of ['/admin/queues', '/admin/queues/', '/admin/queues/api/queues']) {
      const response = await app.inject({ method: 'GET', url, headers: basic(ADMIN.ADMIN_USER, ADMIN.ADMIN_PASSWORD) })
      expect(response.statusCode, url).toBe(404)
      expect(response.json().code).toBe('NOT_FOUND')
    }
  })

  it('asks for Basic credentials, and refuses wrong ones', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      basic(ADMIN.ADMIN_USER, 'wrong password'),
      basic('someone', ADMIN.ADMIN_PASSWORD),
      basic('', ''),
      { authorization: 'Basic not base64!' },
      { authorization: `Bearer ${Buffer.from(`${ADMIN.ADMIN_USER}:${ADMIN.ADMIN_PASSWORD}`).toString('base64')}` },
    ]
    for (const headers of attempts) {
      for (const url of ['/admin/queues', '/admin/queues/api/queues', '/admin/queues/static/favicon-32x32.png']) {
        const response = await adminApp.inject({ method: 'GET', url, headers })
        expect(response.statusCode, `${url} ${JSON.stringify(headers)}`).toBe(401)
        expect(response.headers['www-authenticate']).toMatch(/^Basic realm="[^"]+"/)
        expect(response.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' })
      }
    }
  })

  it('serves the dashboard and its API with the right credentials', async () => {
    const headers = basic(ADMIN.ADMIN_USER, ADMIN.ADMIN_PASSWORD)
    const page = await adminApp.inject({ method: 'GET', url: '/admin/queues', headers })
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toMatch(/^text\/html/)
    expect(page.body).toContain('/admin/queues')
    const api = await adminApp.inject({ method: 'GET', url: '/admin/queues/api/queues', headers })
    expect(api.statusCode).toBe(200)
    expect(
      api
        .json()
        .queues.map((q: { name: string }) => q.name)
        .sort(),
    ).toEqual([...QUEUE_NAMES].sort())
  })
})

describe('GET /health/ready', () => {
  it('reports postgres, redis, the media store and the request-time moderator', async () => {
    const response = await app.inject({ method: 'GET', url: '/health/ready' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({
      status: 'ready',
      checks: {
        postgres: { status: 'up', latency_ms: expect.any(Number) },
        redis: { status: 'up', latency_ms: expect.any(Number) },
        media: { status: 'up', latency_ms: expect.any(Number) },
        moderation: { status: 'up', moderator: 'local', assurance: 'lower' },
      },
    })
  })
})
