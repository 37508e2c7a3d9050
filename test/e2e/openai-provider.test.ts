import { type FakeOpenAI, type RecordedCall, startFakeOpenAI } from '@dreamify/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { MAX_PARSE_ATTEMPTS } from '../../apps/worker/src/steps/story-text.ts'
import { ApiClient, documentedFetch } from '../support/client.ts'
import { createTestDatabase } from '../support/database.ts'
import { startApi, startWorker } from '../support/processes.ts'
import { createTestPrefix } from '../support/queues.ts'

// The whole system through the real `openai` SDK: real API and worker processes whose provider is
// `openai` (GENERATION_PROVIDER is left unset), talking to the testkit's fake OpenAI-compatible
// server running in this test process, so every call it gets can be inspected and faults injected.
const API_KEY = 'test-key'
let fake: FakeOpenAI
let api: Awaited<ReturnType<typeof startApi>>
let worker: Awaited<ReturnType<typeof startWorker>>
let parent: ApiClient
let childId: string

const prefix = createTestPrefix()

beforeAll(async () => {
  // The fake insists on our key: a call without `Authorization: Bearer test-key` would get a 401.
  fake = await startFakeOpenAI({ textLatencyMs: 20, imageLatencyMs: 20, tokensPerSecond: 0, apiKey: API_KEY })
  const { url } = await createTestDatabase()
  const env = { DATABASE_URL: url, QUEUE_PREFIX: prefix, OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: API_KEY }
  api = await startApi(env)
  worker = await startWorker(env)
  parent = await new ApiClient(api.url).signUp('Openai')
}, 60_000)

afterAll(async () => {
  const exits = { worker: await worker?.stop('SIGTERM'), api: await api?.stop('SIGTERM') }
  await fake?.close()
  // Both shut down cleanly on SIGTERM.
  if (worker && api) expect(exits).toEqual({ worker: 0, api: 0 })
}, 30_000)

afterEach(() => {
  // Forget any fault the test left unused; keep the calls (an earlier step may still be settling).
  fake.configure({ failNext: [], scope: 'all' })
})

/** The fake's calls since `from`, by endpoint. */
function callsSince(from: number) {
  const calls = fake.calls.slice(from)
  return {
    chat: calls.filter((c) => c.method === 'POST' && c.path === '/v1/chat/completions'),
    // generations, and edits for the chapters drawn from the avatar
    images: calls.filter((c) => c.method === 'POST' && c.path.startsWith('/v1/images/')),
  }
}

const bodyOf = (call: RecordedCall) => call.body as Record<string, any>

async function expectPng(url: string) {
  const response = await documentedFetch(`${api.url}${url}`)
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBe('image/png')
  const bytes = Buffer.from(await response.arrayBuffer())
  expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true)
}

async function requestStory(topic: string) {
  const response = await parent.requestStory(childId, topic)
  expect(response.status).toBe(202)
  return response.json as { story_id: string; job_id: string }
}

describe('a story written and illustrated through the OpenAI SDK', () => {
  it('runs the worker with the openai provider', () => {
    expect(worker.output()).toMatch(/"provider":"openai"/)
  })

  it("draws the child's avatar through /v1/images/generations", async () => {
    const from = fake.calls.length
    const { child, avatar_job_id } = await parent.addChild()
    childId = child.id
    const { final } = await parent.pollJob(avatar_job_id, { timeoutMs: 30_000 })
    expect(final).toMatchObject({ kind: 'avatar', status: 'completed', child_id: child.id, error: null })
    const { images, chat } = callsSince(from)
    expect(images).toHaveLength(1)
    expect(chat).toHaveLength(0)
    expect(bodyOf(images[0]!)).toMatchObject({
      model: 'gpt-image-1',
      n: 1,
      size: '1024x1024',
      quality: 'medium',
      prompt: expect.any(String),
    })
    const { json } = await parent.request('GET', `/api/children/${child.id}`)
    expect(json.child.avatar_url).toMatch(/^\/api\/media\//)
    await expectPng(json.child.avatar_url)
  })

  it('completes a story with 5 illustrated chapters, streamed as structured JSON', async () => {
    const from = fake.calls.length
    const { story_id, job_id } = await requestStory('a lost red balloon')
    const { final } = await parent.pollJob(job_id, { timeoutMs: 30_000 })
    expect(final).toMatchObject({
      status: 'completed',
      error: null,
      progress: { percent: 100, stage: 'done', chapters_total: 5, chapters_illustrated: 5 },
    })

    const { status, json: story } = await parent.request('GET', `/api/stories/${story_id}`)
    expect(status).toBe(200)
    expect(story).toMatchObject({ status: 'completed', error: null, topic: 'a lost red balloon' })
    expect(story.title).toContain('Mia')
    expect(story.chapters.map((c: any) => c.number)).toEqual([1, 2, 3, 4, 5])
    for (const chapter of story.chapters) {
      expect(chapter.title).not.toBe('')
      expect(chapter.content.length).toBeGreaterThan(200)
      expect(chapter.image_status).toBe('ready')
      await expectPng(chapter.image_url)
    }
    expect(story.chapters.map((c: any) => c.content).join(' ')).toContain('Mia')

    const { chat, images } = callsSince(from)
    expect(chat).toHaveLength(1)
    const body = bodyOf(chat[0]!)
    expect(body.stream).toBe(true)
    expect(body.stream_options).toEqual({ include_usage: true })
    expect(body.model).toBe('gpt-5-mini')
    expect(body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'story', strict: true, schema: { properties: { chapters: { minItems: 5, maxItems: 5 } } } },
    })
    expect(chat[0]!.fault).toBeUndefined()
    expect(images.length).toBeGreaterThanOrEqual(5)
    // Every chapter's picture was asked for with a prompt of its own.
    expect(new Set(images.map((c) => bodyOf(c).prompt)).size).toBe(5)
  })
})

describe('provider failures end to end', () => {
  it('a content-policy refusal fails the story at once with PROVIDER_REFUSED, on the job and on the story', async () => {
    fake.configure({ failNext: ['refusal'], scope: 'text' })
    const from = fake.calls.length
    const { story_id, job_id } = await requestStory('a dragon who lost its voice')
    const { final } = await parent.pollJob(job_id, { timeoutMs: 30_000 })
    expect(final).toMatchObject({ status: 'failed', error: { code: 'PROVIDER_REFUSED', message: expect.any(String) } })
    const { json: story } = await parent.request('GET', `/api/stories/${story_id}`)
    expect(story).toMatchObject({ status: 'failed', error: { code: 'PROVIDER_REFUSED' } })
    expect(story.chapters).toEqual([])
    // Permanent: asked once, never retried, nothing drawn.
    const { chat, images } = callsSince(from)
    expect(chat.map((c) => c.fault)).toEqual(['refusal'])
    expect(images).toHaveLength(0)
  })

  it('two 500s in a row are retried with backoff and the story still completes', async () => {
    fake.configure({ failNext: ['500', '500'], scope: 'text' })
    const from = fake.calls.length
    const { story_id, job_id } = await requestStory('a snail who wanted to fly')
    const { final } = await parent.pollJob(job_id, { timeoutMs: 40_000, intervalMs: 200 })
    expect(final).toMatchObject({ status: 'completed', error: null, progress: { chapters_illustrated: 5 } })
    const { chat } = callsSince(from)
    expect(chat.map((c) => c.fault)).toEqual(['500', '500', undefined])
    // BullMQ's exponential backoff (2 s base, with jitter) spaced the attempts out.
    expect(chat[1]!.at - chat[0]!.at).toBeGreaterThanOrEqual(900)
    expect(chat[2]!.at - chat[1]!.at).toBeGreaterThanOrEqual(1900)
    const { json: story } = await parent.request('GET', `/api/stories/${story_id}`)
    expect(story.chapters.every((c: any) => c.image_status === 'ready')).toBe(true)
  }, 60_000)

  it('a 429 pauses the queue for its Retry-After and the story then completes', async () => {
    fake.configure({ failNext: ['429'], scope: 'text', faults: { retryAfterSeconds: 1 } })
    const from = fake.calls.length
    const { job_id } = await requestStory('the sleepy moon')
    const { final } = await parent.pollJob(job_id, { timeoutMs: 30_000 })
    expect(final).toMatchObject({ status: 'completed', error: null })
    // Only this story's calls: a step that was already running elsewhere may call the provider during the pause.
    const chat = callsSince(from).chat.filter((call) => JSON.stringify(call.body).includes('the sleepy moon'))
    expect(chat.map((c) => c.fault)).toEqual(['429', undefined])
    expect(chat[1]!.at - chat[0]!.at).toBeGreaterThanOrEqual(900)
  }, 60_000)

  it(`${MAX_PARSE_ATTEMPTS} malformed answers in a row fail the story with STORY_UNPARSEABLE`, async () => {
    expect(MAX_PARSE_ATTEMPTS).toBe(3)
    fake.configure({ failNext: ['malformed', 'malformed', 'malformed'], scope: 'text' })
    const from = fake.calls.length
    const { story_id, job_id } = await requestStory('a whale who sang too loudly')
    const { final } = await parent.pollJob(job_id, { timeoutMs: 30_000 })
    expect(final).toMatchObject({ status: 'failed', error: { code: 'STORY_UNPARSEABLE' } })
    const { json: story } = await parent.request('GET', `/api/stories/${story_id}`)
    expect(story).toMatchObject({ status: 'failed', error: { code: 'STORY_UNPARSEABLE' } })
    expect(story.chapters).toEqual([])
    // Asked exactly MAX_PARSE_ATTEMPTS times within the one step; the permanent failure is not retried.
    const { chat, images } = callsSince(from)
    expect(chat.map((c) => c.fault)).toEqual(['malformed', 'malformed', 'malformed'])
    expect(images).toHaveLength(0)
  })

  describe('two malformed answers, then a good one', () => {
    let storyId: string
    let from: number

    it('completes the story on the third answer', async () => {
      fake.configure({ failNext: ['malformed', 'malformed'], scope: 'text' })
      from = fake.calls.length
      const { story_id, job_id } = await requestStory('a kite that wanted to stay up all night')
      storyId = story_id
      const { final } = await parent.pollJob(job_id, { timeoutMs: 30_000 })
      expect(final).toMatchObject({
        status: 'completed',
        error: null,
        progress: { chapters_total: 5, chapters_illustrated: 5 },
      })
      const { chat } = callsSince(from)
      expect(chat.map((c) => c.fault)).toEqual(['malformed', 'malformed', undefined])
      const { json: story } = await parent.request('GET', `/api/stories/${story_id}`)
      expect(story.chapters).toHaveLength(5)
      for (const chapter of story.chapters) expect(chapter.content.length).toBeGreaterThan(200)
    })

    it('keeps the title of the answer that parsed, not of a malformed one', async () => {
      const { json: story } = await parent.request('GET', `/api/stories/${storyId}`)
      // Both malformed answers open with {"title": "A Sleepy Story", ...}; the good one's title names the child.
      expect(story.title).not.toBe('A Sleepy Story')
      expect(story.title).toContain('Mia')
    })
  })
})
