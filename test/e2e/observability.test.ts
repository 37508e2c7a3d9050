import { type FakeOpenAI, startFakeOpenAI } from '@dreamify/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../support/client.ts'
import { createTestDatabase } from '../support/database.ts'
import { startApi, startWorker, waitFor } from '../support/processes.ts'
import { createTestPrefix } from '../support/queues.ts'

// Real API and worker processes; the worker's own port serves /health/* and /metrics, the API
// serves /metrics. Each stack has its own database and queue prefix.
type Stack = {
  api: Awaited<ReturnType<typeof startApi>>
  worker: Awaited<ReturnType<typeof startWorker>>
}

async function startStack(env: Record<string, string>): Promise<Stack> {
  const { url } = await createTestDatabase()
  const prefix = createTestPrefix()
  const full = { DATABASE_URL: url, QUEUE_PREFIX: prefix, ...env }
  return { api: await startApi(full), worker: await startWorker(full) }
}

async function stopStack(stack: Stack | undefined) {
  if (!stack) return
  const exits = { worker: await stack.worker.stop('SIGTERM'), api: await stack.api.stop('SIGTERM') }
  expect(exits).toEqual({ worker: 0, api: 0 })
}

/** Every sample of one metric in Prometheus text whose labels include `labels`. */
function samples(text: string, name: string, labels: Record<string, string> = {}): number[] {
  const values: number[] = []
  for (const line of text.split('\n')) {
    const match = /^([^{ ]+)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!match || match[1] !== name) continue
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    )
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) values.push(Number(match[3]))
  }
  return values
}
const sample = (text: string, name: string, labels: Record<string, string> = {}) => samples(text, name, labels)[0]

async function scrape(url: string) {
  const response = await fetch(`${url}/metrics`)
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
  return response.text()
}

/** Scrapes until the check passes (a step's metrics are recorded just after its row is committed). */
async function scrapeUntil(url: string, check: (text: string) => boolean) {
  let last = ''
  try {
    return await waitFor(
      'the metrics',
      async () => {
        last = await scrape(url)
        return check(last) && last
      },
      { timeoutMs: 10_000 },
    )
  } catch (error) {
    throw new Error(
      `${(error as Error).message}\n${last
        .split('\n')
        .filter((l) => l.startsWith('dreamify_') && !l.startsWith('dreamify_worker_'))
        .join('\n')}`,
    )
  }
}

describe('with the fixtures provider', () => {
  let stack: Stack
  let parent: ApiClient

  beforeAll(async () => {
    stack = await startStack({
      GENERATION_PROVIDER: 'fixtures',
      FIXTURES_TEXT_MS: '100',
      FIXTURES_IMAGE_MS: '20',
      STORY_CHAPTERS: '3',
    })
    parent = await new ApiClient(stack.api.url).signUp('Observer')
  }, 60_000)
  afterAll(() => stopStack(stack), 30_000)

  it("answers the worker's liveness and readiness, with postgres, redis and media store checks and its moderator", async () => {
    const live = await fetch(`${stack.worker.healthUrl}/health/live`)
    expect(live.status).toBe(200)
    expect(await live.json()).toEqual({ status: 'ok' })
    const ready = await fetch(`${stack.worker.healthUrl}/health/ready`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: {
        postgres: { status: 'up' },
        redis: { status: 'up' },
        media: { status: 'up' },
        // the fixtures provider has no server to moderate with: the offline lists, honestly labelled
        moderation: { status: 'up', moderator: 'local', assurance: 'lower' },
      },
    })
  })

  it('measures the steps, the provider calls, the images and the finished story', async () => {
    const { child, avatar_job_id } = await parent.addChild()
    const requested = await parent.requestStory(child.id)
    expect(requested.status).toBe(202)
    expect((await parent.pollJob(requested.json.job_id)).final.status).toBe('completed')
    expect((await parent.pollJob(avatar_job_id)).final.status).toBe('completed')

    // the story's three pictures and the avatar each get their variants, a moment after they settle
    const text = await scrapeUntil(
      stack.worker.healthUrl,
      (t) =>
        sample(t, 'dreamify_stories_total', { outcome: 'completed' }) === 1 &&
        sample(t, 'dreamify_job_duration_seconds_count', { queue: 'image-variants', outcome: 'completed' }) === 4,
    )
    expect(text).toMatch(/^# HELP dreamify_worker_process_cpu_user_seconds_total /m)
    expect(samples(text, 'dreamify_stories_total')).toEqual([1])
    expect(sample(text, 'dreamify_stories_total', { outcome: 'completed', code: 'none' })).toBe(1)

    const steps = (queue: string, outcome: string) =>
      sample(text, 'dreamify_job_duration_seconds_count', { queue, outcome })
    expect(steps('story-text', 'completed')).toBe(1)
    expect(steps('chapter-image', 'completed')).toBe(3)
    expect(steps('avatar', 'completed')).toBe(1)
    expect(steps('image-variants', 'completed')).toBe(4)
    expect(
      sample(text, 'dreamify_job_duration_seconds_sum', { queue: 'story-text', outcome: 'completed' }),
    ).toBeGreaterThan(0.05)
    expect(
      sample(text, 'dreamify_job_duration_seconds_bucket', {
        queue: 'chapter-image',
        outcome: 'completed',
        le: '+Inf',
      }),
    ).toBe(3)
    expect(samples(text, 'dreamify_job_duration_seconds_count').reduce((a, b) => a + b, 0)).toBe(9)

    // The text is measured until its stream ends (about FIXTURES_TEXT_MS), each image on its own.
    expect(sample(text, 'dreamify_provider_request_duration_seconds_count', { kind: 'text', status: 'ok' })).toBe(1)
    expect(
      sample(text, 'dreamify_provider_request_duration_seconds_sum', { kind: 'text', status: 'ok' }),
    ).toBeGreaterThanOrEqual(0.09)
    expect(sample(text, 'dreamify_provider_request_duration_seconds_count', { kind: 'image', status: 'ok' })).toBe(4)
    expect(samples(text, 'dreamify_provider_errors_total')).toEqual([])

    expect(sample(text, 'dreamify_images_total', { purpose: 'chapter' })).toBe(3)
    expect(sample(text, 'dreamify_images_total', { purpose: 'avatar' })).toBe(1)
    // The fixtures provider reports no usage, and nothing is made up for it.
    expect(samples(text, 'dreamify_tokens_total').every((v) => v === 0)).toBe(true)
  })

  it("shows the three queues' depths on the API's /metrics", async () => {
    const text = await scrape(stack.api.url)
    for (const queue of ['story-text', 'chapter-image', 'avatar']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) {
        expect(sample(text, 'dreamify_queue_jobs', { queue, state }), `${queue} ${state}`).toBe(0)
      }
    }
    expect(sample(text, 'dreamify_queue_jobs', { queue: 'story-text', state: 'completed' })).toBe(1)
    expect(sample(text, 'dreamify_queue_jobs', { queue: 'chapter-image', state: 'completed' })).toBe(3)
    expect(
      sample(text, 'dreamify_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/api/jobs/:job_id',
        status_code: '200',
      }),
    ).toBeGreaterThan(1)
  })
})

describe('with an OpenAI-compatible provider', () => {
  const API_KEY = 'test-key'
  let fake: FakeOpenAI
  let stack: Stack
  let parent: ApiClient
  let childId: string

  beforeAll(async () => {
    fake = await startFakeOpenAI({ textLatencyMs: 10, imageLatencyMs: 10, tokensPerSecond: 0, apiKey: API_KEY })
    stack = await startStack({ OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: API_KEY, STORY_CHAPTERS: '2' })
    parent = await new ApiClient(stack.api.url).signUp('Tokens')
    childId = (await parent.addChild()).child.id
  }, 60_000)
  afterAll(async () => {
    await stopStack(stack)
    await fake?.close()
  }, 30_000)

  it('counts the tokens the provider reports, and a retried step with its error', async () => {
    fake.configure({ failNext: ['500'], scope: 'text' })
    const requested = await parent.requestStory(childId)
    expect((await parent.pollJob(requested.json.job_id)).final.status).toBe('completed')

    // the story's three pictures and the avatar each get their variants, a moment after they settle
    const text = await scrapeUntil(
      stack.worker.healthUrl,
      (t) => sample(t, 'dreamify_stories_total', { outcome: 'completed' }) === 1,
    )
    expect(sample(text, 'dreamify_tokens_total', { kind: 'text' })).toBeGreaterThan(0)
    expect(sample(text, 'dreamify_tokens_total', { kind: 'image' })).toBeGreaterThan(0)
    expect(sample(text, 'dreamify_provider_errors_total', { kind: 'text', code: 'PROVIDER_UNAVAILABLE' })).toBe(1)
    expect(sample(text, 'dreamify_provider_request_duration_seconds_count', { kind: 'text', status: 'error' })).toBe(1)
    expect(sample(text, 'dreamify_provider_request_duration_seconds_count', { kind: 'text', status: 'ok' })).toBe(1)
    expect(sample(text, 'dreamify_job_duration_seconds_count', { queue: 'story-text', outcome: 'retried' })).toBe(1)
    expect(sample(text, 'dreamify_job_duration_seconds_count', { queue: 'story-text', outcome: 'completed' })).toBe(1)
  }, 30_000)

  it('counts a story that fails for good under its error code', async () => {
    fake.configure({ failNext: ['401'], scope: 'text' })
    const requested = await parent.requestStory(childId)
    const { final } = await parent.pollJob(requested.json.job_id)
    expect(final).toMatchObject({ status: 'failed', error: { code: 'PROVIDER_AUTH' } })

    const text = await scrapeUntil(
      stack.worker.healthUrl,
      (t) => sample(t, 'dreamify_stories_total', { outcome: 'failed' }) === 1,
    )
    expect(sample(text, 'dreamify_stories_total', { outcome: 'failed', code: 'PROVIDER_AUTH' })).toBe(1)
    expect(sample(text, 'dreamify_stories_total', { outcome: 'completed', code: 'none' })).toBe(1)
    expect(sample(text, 'dreamify_provider_errors_total', { kind: 'text', code: 'PROVIDER_AUTH' })).toBe(1)
    expect(sample(text, 'dreamify_job_duration_seconds_count', { queue: 'story-text', outcome: 'failed' })).toBe(1)
  }, 30_000)
})
