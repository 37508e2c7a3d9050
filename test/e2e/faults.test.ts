import { createDatabase } from '@dreamify/db'
import { startFakeOpenAI } from '@dreamify/testkit'
import { describe, expect, it, onTestFinished } from 'vitest'
import { ApiClient } from '../support/client.ts'
import { createTestDatabase } from '../support/database.ts'
import { startApi, startWorker, waitFor } from '../support/processes.ts'
import { createTestPrefix, deleteKeys } from '../support/queues.ts'
import { startSparePostgres, startSpareRedis } from '../support/spare-services.ts'
import { printTally, tallyStories } from '../support/tally.ts'

// Fault tests with real processes. Each ends by printing what became of its stories; lost and
// duplicated must be 0 whatever was killed or restarted.
const NO_LIMITS = { STORIES_IN_FLIGHT_PER_PARENT: '0', STORIES_PER_DAY_PER_PARENT: '0' }

async function requestBatch(client: ApiClient, count: number) {
  const { child } = await client.addChild()
  const storyIds: string[] = []
  for (let i = 0; i < count; i++) {
    const response = await client.requestStory(child.id, `adventure number ${i}`)
    expect(response.status).toBe(202)
    storyIds.push(response.json.story_id)
  }
  return storyIds
}

async function waitUntilFinished(client: ApiClient, storyIds: string[], timeoutMs: number) {
  await waitFor(
    'every story to finish',
    async () => {
      for (const id of storyIds) {
        const { json } = await client.request('GET', `/api/stories/${id}`)
        if (!json || !['completed', 'failed', 'cancelled'].includes(json.status)) return false
      }
      return true
    },
    { timeoutMs, intervalMs: 500 },
  )
}

describe('fault tolerance', () => {
  it('loses and duplicates nothing when a worker is killed with SIGKILL mid-batch', async () => {
    const { url, db } = await createTestDatabase()
    const prefix = createTestPrefix()
    const env = {
      DATABASE_URL: url,
      QUEUE_PREFIX: prefix,
      GENERATION_PROVIDER: 'fixtures',
      FIXTURES_TEXT_MS: '2500',
      FIXTURES_IMAGE_MS: '600',
      ...NO_LIMITS,
    }
    const api = await startApi(env)
    const victim = await startWorker(env)
    const survivor = await startWorker(env)
    const client = await new ApiClient(api.url).signUp('Batch')
    const storyIds = await requestBatch(client, 10)
    await new Promise((r) => setTimeout(r, 1500))
    await victim.stop('SIGKILL')
    await waitUntilFinished(client, storyIds, 120_000)
    const tally = await tallyStories(db, storyIds)
    printTally('worker SIGKILL', tally)
    expect(tally).toMatchObject({ lost: 0, duplicated: 0, completed: 10 })
    expect(await survivor.stop('SIGTERM')).toBe(0)
  }, 180_000)

  it('finishes every story, or fails it with a code, when the provider fails a fraction of calls', async () => {
    const fake = await startFakeOpenAI({
      tokensPerSecond: 0,
      seed: 7,
      faults: { rate429: 0.1, retryAfterSeconds: 1, rate500: 0.1, rateHang: 0.05, rateMalformed: 0.1 },
    })
    onTestFinished(() => fake.close())
    const { url, db } = await createTestDatabase()
    const prefix = createTestPrefix()
    const env = {
      DATABASE_URL: url,
      QUEUE_PREFIX: prefix,
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_API_KEY: 'test',
      OPENAI_TIMEOUT_MS: '2000',
      ...NO_LIMITS,
    }
    const api = await startApi(env)
    await startWorker(env)
    const client = await new ApiClient(api.url).signUp('Faults')
    const storyIds = await requestBatch(client, 8)
    await waitUntilFinished(client, storyIds, 150_000)
    const tally = await tallyStories(db, storyIds)
    printTally('provider faults', tally)
    expect(tally.lost).toBe(0)
    expect(tally.duplicated).toBe(0)
    expect(tally.completed).toBeGreaterThan(0)
    for (const code of Object.keys(tally.failed)) expect(['PROVIDER_UNAVAILABLE', 'STORY_UNPARSEABLE']).toContain(code)
    const faulted = fake.calls.filter((call) => call.fault).length
    expect(faulted).toBeGreaterThan(0)
  }, 200_000)

  it('accepts stories while Redis is down and finishes every one after Redis restarts empty', async () => {
    const redis = await startSpareRedis()
    const { url, db } = await createTestDatabase()
    const prefix = 'faults'
    onTestFinished(() => deleteKeys(prefix, redis.url))
    const env = {
      DATABASE_URL: url,
      QUEUE_PREFIX: prefix,
      REDIS_URL: redis.url,
      GENERATION_PROVIDER: 'fixtures',
      FIXTURES_TEXT_MS: '2000',
      FIXTURES_IMAGE_MS: '300',
      ...NO_LIMITS,
    }
    const api = await startApi(env)
    await startWorker(env)
    const client = await new ApiClient(api.url).signUp('Redis')
    const storyIds = await requestBatch(client, 4)
    await new Promise((r) => setTimeout(r, 1000))
    await redis.stop()
    // What needs only Postgres keeps working, and a story request is still accepted.
    const started = Date.now()
    storyIds.push(...(await requestBatch(client, 2)))
    expect(Date.now() - started).toBeLessThan(5000)
    expect((await client.request('GET', `/api/stories/${storyIds[0]}`)).status).toBe(200)
    expect((await fetch(`${api.url}/health/ready`)).status).toBe(503)
    await new Promise((r) => setTimeout(r, 1000))
    await redis.start()
    await waitUntilFinished(client, storyIds, 150_000)
    const tally = await tallyStories(db, storyIds)
    printTally('redis restart', tally)
    expect(tally).toMatchObject({ lost: 0, duplicated: 0, completed: 6 })
    expect((await fetch(`${api.url}/health/ready`)).status).toBe(200)
  }, 200_000)

  it('answers 503 while Postgres is down and recovers by itself when it is back', async () => {
    const postgres = await startSparePostgres()
    const prefix = createTestPrefix()
    const { migrateDatabase } = await import('@dreamify/db')
    await migrateDatabase(postgres.url)
    const db = createDatabase({ url: postgres.url, poolSize: 2 })
    onTestFinished(() => db.destroy())
    const env = {
      DATABASE_URL: postgres.url,
      QUEUE_PREFIX: prefix,
      GENERATION_PROVIDER: 'fixtures',
      FIXTURES_TEXT_MS: '1500',
      FIXTURES_IMAGE_MS: '300',
      ...NO_LIMITS,
    }
    const api = await startApi(env)
    const worker = await startWorker(env)
    const client = await new ApiClient(api.url).signUp('Postgres')
    const storyIds = await requestBatch(client, 3)
    await postgres.stop()
    const started = Date.now()
    const during = await client.request('GET', `/api/stories/${storyIds[0]}`)
    expect(during.status).toBe(503)
    expect(Object.keys(during.json).sort()).toEqual(['code', 'error', 'message', 'statusCode'])
    expect(during.json.code).toBe('SERVICE_UNAVAILABLE')
    expect(Date.now() - started).toBeLessThan(10_000)
    await new Promise((r) => setTimeout(r, 2000))
    await postgres.start()
    try {
      await waitUntilFinished(client, storyIds, 150_000)
    } catch (error) {
      for (const id of storyIds)
        console.log(JSON.stringify((await client.request('GET', `/api/stories/${id}`)).json).slice(0, 300))
      console.log(
        worker
          .output()
          .split('\n')
          .filter((line) => !line.includes('"level":30'))
          .slice(-15)
          .join('\n')
          .slice(-5000),
      )
      throw error
    }
    const tally = await tallyStories(db, storyIds)
    printTally('postgres restart', tally)
    expect(tally).toMatchObject({ lost: 0, duplicated: 0, completed: 3 })
  }, 200_000)
})
