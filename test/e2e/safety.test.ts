import { jobEventKeys } from '@dreamify/core'
import { createDatabase, type Db } from '@dreamify/db'
import { type FakeOpenAI, type RecordedCall, startFakeOpenAI } from '@dreamify/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../support/client.ts'
import { createTestDatabase } from '../support/database.ts'
import { startApi, startWorker } from '../support/processes.ts'
import { createTestPrefix, createTestQueues } from '../support/queues.ts'

// Child safety end to end: real API and worker processes whose moderator is chosen by MODERATION=auto
// against the testkit's fake OpenAI server (which has /v1/moderations), through the real SDK.
const NAME = 'Rosalind'
// Written into the child's favourite animal, so it is in the story's text but not in the topic.
const MARKER = 'glimmerwolf'
let fake: FakeOpenAI
let api: Awaited<ReturnType<typeof startApi>>
let worker: Awaited<ReturnType<typeof startWorker>>
let parent: ApiClient
let db: Db
let childId: string
let markedChildId: string
const { prefix, redis } = createTestQueues()

beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: 'k' })
  const { url } = await createTestDatabase()
  db = createDatabase({ url, poolSize: 2 })
  const env = {
    DATABASE_URL: url,
    QUEUE_PREFIX: prefix,
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_API_KEY: 'k',
    STORY_CHAPTERS: '3',
    STORIES_IN_FLIGHT_PER_PARENT: '0',
  }
  api = await startApi(env)
  worker = await startWorker(env)
  parent = await new ApiClient(api.url).signUp('Safe')
  const added = await parent.addChild({ name: NAME, fav_animals: 'otters' })
  const marked = await parent.addChild({ name: NAME, fav_animals: `${MARKER}s` })
  childId = added.child.id
  markedChildId = marked.child.id
  await parent.pollJob(added.avatar_job_id)
  await parent.pollJob(marked.avatar_job_id)
}, 60_000)

afterAll(async () => {
  await worker?.stop('SIGTERM')
  await api?.stop('SIGTERM')
  await fake?.close()
  await db?.destroy()
}, 30_000)

afterEach(() => {
  fake.configure({ failNext: [], scope: 'all', moderationMarkers: {}, moderationFlagLimit: null, flagNextImages: 0 })
})

const paths = (calls: RecordedCall[]) => calls.map((c) => c.path)
const text = (call: RecordedCall) => JSON.stringify(call.body)

async function story(childOf: string, topic: string) {
  const requested = await parent.requestStory(childOf, topic)
  expect(requested.status).toBe(202)
  const { final } = await parent.pollJob(requested.json.job_id, { timeoutMs: 90_000 })
  const { json } = await parent.request('GET', `/api/stories/${requested.json.story_id}`)
  return { final, story: json, jobId: requested.json.job_id as string }
}

/** Everything a client could ever see of the story: the API's answer, the rows, the job's events. */
async function everythingShown(storyId: string, jobId: string) {
  const { json } = await parent.request('GET', `/api/stories/${storyId}`)
  const rows = await db.selectFrom('chapters').select(['title', 'content']).where('story_id', '=', storyId).execute()
  const title = await db.selectFrom('stories').select('title').where('id', '=', storyId).executeTakeFirst()
  const events = await redis.xrange(jobEventKeys(prefix, jobId).stream, '-', '+')
  return JSON.stringify({ json, rows, title, events }).toLowerCase()
}

describe('moderation in the pipeline', () => {
  it('chose the openai moderator, probing the server once at start', () => {
    expect(worker.output()).toMatch(/"moderator":"openai"/)
  })

  it('refuses a topic that local allows but openai flags, before any text call', async () => {
    fake.configure({ moderationMarkers: { 'moonlit marsh': 'violence' } })
    const from = fake.calls.length
    const { final, story: shown } = await story(childId, 'a walk in the moonlit marsh')
    expect(final).toMatchObject({ status: 'failed', error: { code: 'CONTENT_REFUSED' } })
    expect(shown.error.code).toBe('CONTENT_REFUSED')
    expect(paths(fake.calls.slice(from))).toEqual(['/v1/moderations'])
    // the request's local check let it through; the worker's openai check did not
    expect(shown.safety).toMatchObject({
      checked_by: ['local', 'openai'],
      assurance: 'standard',
      flagged: [{ stage: 'topic', target: 'topic' }],
    })
  })

  it('writes a flagged story again, once, with stricter rules, and completes', async () => {
    fake.configure({ moderationMarkers: { [MARKER]: 'violence' }, moderationFlagLimit: 1 })
    const from = fake.calls.length
    const { final, story: shown } = await story(markedChildId, 'a picnic on a hill')
    expect(final.status).toBe('completed')
    const chats = fake.calls.slice(from).filter((c) => c.path === '/v1/chat/completions')
    expect(chats).toHaveLength(2)
    expect(text(chats[0]!)).not.toMatch(/absolutely no violence/)
    expect(text(chats[1]!)).toMatch(/absolutely no violence/)
    expect(shown.chapters).toHaveLength(3)
    expect(shown.safety.flagged).toHaveLength(1)
    expect(shown.safety.flagged[0]).toMatchObject({ stage: 'story_text' })
    expect(shown.safety.flagged[0].categories[0]).toEqual({ category: 'violence', score: 0.97 })
  })

  it('fails a story flagged twice with CONTENT_FLAGGED, keeping no flagged text anywhere', async () => {
    fake.configure({ moderationMarkers: { [MARKER]: 'violence' } })
    const { final, story: shown, jobId } = await story(markedChildId, 'a picnic by the sea')
    expect(final).toMatchObject({ status: 'failed', error: { code: 'CONTENT_FLAGGED' } })
    expect(shown.error.code).toBe('CONTENT_FLAGGED')
    expect(await everythingShown(shown.story_id, jobId)).not.toContain(MARKER)
    expect(shown.safety.flagged.length).toBe(2)
  })

  it('redraws a flagged picture once from a safer prompt', async () => {
    fake.configure({ flagNextImages: 1 })
    const from = fake.calls.length
    const { final, story: shown } = await story(childId, 'a lighthouse keeper and his cat')
    expect(final.status).toBe('completed')
    expect(shown.chapters.map((c: any) => [c.image_status, c.image_error])).toEqual([
      ['ready', null],
      ['ready', null],
      ['ready', null],
    ])
    const draws = fake.calls.slice(from).filter((c) => c.path.startsWith('/v1/images/'))
    expect(draws).toHaveLength(4)
    expect(draws.filter((c) => text(c).includes('calm, sunny meadow'))).toHaveLength(1)
    expect(shown.safety.flagged).toEqual([expect.objectContaining({ stage: 'image' })])
  })

  it('fails a picture flagged twice, and completes the story with its text', async () => {
    fake.configure({ flagNextImages: 100 })
    const { final, story: shown } = await story(childId, 'a snowman who visits the beach')
    expect(final.status).toBe('completed')
    expect(shown.chapters.map((c: any) => [c.image_status, c.image_url, c.image_error])).toEqual([
      ['failed', null, 'CONTENT_FLAGGED'],
      ['failed', null, 'CONTENT_FLAGGED'],
      ['failed', null, 'CONTENT_FLAGGED'],
    ])
    expect(shown.chapters.every((c: any) => c.content.length > 100)).toBe(true)
    expect(shown.safety.flagged.filter((f: any) => f.stage === 'image')).toHaveLength(6)
  })

  it("moderates a child's avatar: flagged once it is redrawn, flagged twice its job fails with CONTENT_FLAGGED", async () => {
    fake.configure({ flagNextImages: 1 })
    let from = fake.calls.length
    const redrawn = await parent.addChild({ name: NAME, fav_animals: 'owls' })
    expect((await parent.pollJob(redrawn.avatar_job_id)).final.status).toBe('completed')
    const draws = () => fake.calls.slice(from).filter((c) => c.path === '/v1/images/generations')
    expect(draws().map((c) => /nothing frightening/.test(text(c)))).toEqual([false, true])
    expect((await parent.request('GET', `/api/children/${redrawn.child.id}`)).json.child.avatar_url).toEqual(
      expect.any(String),
    )

    fake.configure({ flagNextImages: 2 })
    from = fake.calls.length
    const refused = await parent.addChild({ name: NAME, fav_animals: 'owls' })
    const { final } = await parent.pollJob(refused.avatar_job_id)
    expect(final).toMatchObject({ status: 'failed', error: { code: 'CONTENT_FLAGGED' } })
    expect(draws()).toHaveLength(2)
    expect((await parent.request('GET', `/api/children/${refused.child.id}`)).json.child.avatar_url).toBeNull()
    const decisions = await db
      .selectFrom('moderation_decisions')
      .select(['stage', 'target', 'decision', 'story_id'])
      .where('job_id', '=', refused.avatar_job_id)
      .execute()
    expect(decisions.filter((d) => d.stage === 'image' && d.decision === 'flagged')).toHaveLength(2)
    expect(decisions.every((d) => d.target === 'avatar' && d.story_id === null)).toBe(true)
  })

  it('retries when the moderator is down, and never calls the provider unchecked', async () => {
    fake.configure({ failNext: ['500', '500'], scope: 'moderations' })
    const from = fake.calls.length
    const { final } = await story(childId, 'a bear who cannot find his hat')
    expect(final.status).toBe('completed')
    const calls = fake.calls.slice(from)
    expect(calls.slice(0, 2).map((c) => [c.path, c.fault])).toEqual([
      ['/v1/moderations', '500'],
      ['/v1/moderations', '500'],
    ])
    // The first text call comes after a topic check that answered.
    const firstChat = calls.findIndex((c) => c.path === '/v1/chat/completions')
    expect(calls.slice(2, firstChat).some((c) => c.path === '/v1/moderations' && !c.fault)).toBe(true)
    const metrics = await (await fetch(`${worker.healthUrl}/metrics`)).text()
    expect(metrics).toMatch(/dreamify_moderation_total\{stage="topic",moderator="openai",decision="allowed"\} [1-9]/)
    expect(metrics).toMatch(/dreamify_moderation_duration_seconds_count\{stage="story_text",moderator="openai"\} [1-9]/)
  })

  it("never tells the provider the child's name, while the saved story has it", async () => {
    const { story: shown } = await story(childId, 'a robot who learns to dance')
    expect(JSON.stringify(shown)).toContain(NAME)
    // the request's topic (local), then the topic, the title, the cast, and each of the 3 chapters, picture prompts and pictures
    expect(shown.safety).toEqual({
      checked_by: ['local', 'openai'],
      assurance: 'standard',
      checks: 13,
      flagged: [],
      reports: 0,
    })
    expect(fake.calls.length).toBeGreaterThan(20)
    const leaks = fake.calls.filter((c) => text(c).toLowerCase().includes(NAME.toLowerCase()))
    expect(leaks.map((c) => c.path)).toEqual([])
  })
})

describe('MODERATION=auto against a server without /v1/moderations', () => {
  it('chooses local and says so at start', async () => {
    const bare = await startFakeOpenAI({ moderations: false })
    try {
      const { url } = await createTestDatabase()
      const other = await startWorker({
        DATABASE_URL: url,
        QUEUE_PREFIX: createTestPrefix(),
        OPENAI_BASE_URL: bare.baseURL,
      })
      expect(other.output()).toMatch(/"moderator":"local"/)
      expect(other.output()).toMatch(/moderation: local \(offline word lists, lower assurance\)/)
      expect(bare.calls.map((c) => [c.path])).toEqual([['/v1/moderations']])
      await other.stop('SIGTERM')
    } finally {
      await bare.close()
    }
  }, 30_000)
})
