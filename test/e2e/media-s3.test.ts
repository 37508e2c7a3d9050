import type { Db } from '@dreamify/db'
import { createMediaStores, runMediaHousekeeping } from '@dreamify/media'
import { startS3Server, type TestS3Server } from '@dreamify/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testConfig } from '../support/api.ts'
import { ApiClient } from '../support/client.ts'
import { createTestDatabase } from '../support/database.ts'
import { type Service, startApi, startWorker } from '../support/processes.ts'
import { createTestPrefix } from '../support/queues.ts'
import { tallyStories } from '../support/tally.ts'

// MEDIA_STORE=s3 end to end: real API and worker processes, the real AWS SDK, and an S3-protocol
// server that checks signatures (s3rver behind the test kit's SigV4 proxy).
let db: Db
let s3: TestS3Server
let env: Record<string, string>
let api: Service & { url: string }
let worker: Service
let client: ApiClient
let childId: string

beforeAll(async () => {
  const database = await createTestDatabase()
  db = database.db
  s3 = await startS3Server()
  env = {
    ...s3.env,
    DATABASE_URL: database.url,
    QUEUE_PREFIX: createTestPrefix(),
    GENERATION_PROVIDER: 'fixtures',
    FIXTURES_TEXT_MS: '300',
    FIXTURES_IMAGE_MS: '100',
    STORIES_IN_FLIGHT_PER_PARENT: '0',
  }
  api = await startApi(env)
  worker = await startWorker(env)
  client = await new ApiClient(api.url).signUp('Bucket')
  childId = (await client.addChild()).child.id
}, 60_000)
afterAll(() => s3?.stop())

const keysOf = (storyId: string) => s3.keys().filter((key) => key.startsWith(`stories/${storyId}/`))

describe('MEDIA_STORE=s3', () => {
  it('makes a story whose pictures are in the bucket and served by presigned URLs, not the API', async () => {
    const { json: accepted } = await client.requestStory(childId, 'a kite over the sea')
    expect((await client.pollJob(accepted.job_id)).final.status).toBe('completed')
    const story = await client.storyWithVariants(accepted.story_id)
    for (const chapter of story.chapters) {
      expect(chapter.image_url.startsWith(`${s3.endpoint}/${s3.bucket}/stories/${story.story_id}/`)).toBe(true)
      const original = await fetch(chapter.image_url)
      expect(original.status).toBe(200)
      expect(original.headers.get('content-type')).toBe('image/png')
      const [small, width] = chapter.image_srcset.split(', ')[0].split(' ')
      expect(width).toBe('512w')
      const variant = await fetch(small)
      expect([variant.status, variant.headers.get('content-type')]).toEqual([200, 'image/webp'])
    }
    // stable across polls, so browsers and CDNs cache it
    const again = (await client.request('GET', `/api/stories/${accepted.story_id}`)).json
    expect(again.chapters.map((c: { image_url: string }) => c.image_url)).toEqual(
      story.chapters.map((c: { image_url: string }) => c.image_url),
    )
    // five originals, five 512 and five 1024 variants (the fixtures are 1024 wide)
    expect(keysOf(story.story_id)).toHaveLength(15)
    const records = await db
      .selectFrom('media_objects')
      .select(['store', 'settled_at', 'bytes'])
      .where('story_id', '=', story.story_id)
      .execute()
    expect(records).toHaveLength(15)
    expect(records.every((r) => r.store === 's3' && r.settled_at !== null && r.bytes === null)).toBe(true)
    const library = (await client.request('GET', `/api/children/${childId}/stories`)).json
    expect(library.stories[0].cover_image_url).toMatch(/\/w512\.webp\?/)
    const ready = await fetch(`${api.url}/health/ready`)
    expect((await ready.json()).checks.media.status).toBe('up')
  }, 60_000)

  it('loses and duplicates nothing when a worker is SIGKILLed between upload and settle, and sweeps the orphan', async () => {
    // The first upload of a chapter's last object kills the worker before the store's answer reaches it.
    let killed: Promise<unknown> | undefined
    const killOnUpload = (victim: Service, storyPrefix: string) =>
      new Promise<string>((uploaded) => {
        s3.onUploaded = (key) => {
          if (!key.startsWith(storyPrefix) || killed) return
          killed = victim.stop('SIGKILL')
          uploaded(key)
          return killed.then(() => {})
        }
      })
    const { json: first } = await client.requestStory(childId, 'a lantern in the snow')
    const firstUpload = await killOnUpload(worker, `stories/${first.story_id}/`)
    await killed
    s3.onUploaded = undefined
    const unsettled = await db
      .selectFrom('media_objects')
      .select('key')
      .where('story_id', '=', first.story_id)
      .where('settled_at', 'is', null)
      .execute()
    expect(unsettled.map((r) => r.key)).toContain(firstUpload)

    // Another worker takes the stalled steps over: the same keys are written again and settled once.
    worker = await startWorker(env)
    expect((await client.pollJob(first.job_id, { timeoutMs: 60_000 })).final.status).toBe('completed')
    expect(await tallyStories(db, [first.story_id])).toMatchObject({ completed: 1, lost: 0, duplicated: 0 })
    await client.storyWithVariants(first.story_id)
    expect(keysOf(first.story_id)).toHaveLength(15)
    const records = await db
      .selectFrom('media_objects')
      .select('settled_at')
      .where('story_id', '=', first.story_id)
      .execute()
    expect(records.filter((r) => r.settled_at === null)).toEqual([])

    // A crash whose story is then cancelled leaves objects no step will settle: the sweep takes them.
    killed = undefined
    const { json: second } = await client.requestStory(childId, 'a boat made of leaves')
    const orphanKey = await killOnUpload(worker, `stories/${second.story_id}/`)
    await killed
    s3.onUploaded = undefined
    expect((await client.request('POST', `/api/stories/${second.story_id}/cancel`)).status).toBe(200)
    expect(s3.keys()).toContain(orphanKey)
    worker = await startWorker(env)
    const stores = createMediaStores(db, testConfig(env))
    const swept = await runMediaHousekeeping(db, stores, { orphanGraceSeconds: 0 })
    expect(swept.swept).toBeGreaterThanOrEqual(1)
    expect(s3.keys()).not.toContain(orphanKey)
    expect(keysOf(first.story_id)).toHaveLength(15)
  }, 120_000)

  it('waits for a store that is down, and finishes when it is back; the API answers 503 only where it needs the store', async () => {
    await s3.down()
    let accepted: { job_id: string; story_id: string }
    try {
      accepted = (await client.requestStory(childId, 'a fox who counted stars')).json
      // the text is written and the drawings wait: the job is neither failed nor finished
      await new Promise((resolve) => setTimeout(resolve, 4000))
      const job = (await client.request('GET', `/api/jobs/${accepted.job_id}`)).json
      expect(job.status).toBe('running')
      const ready = await fetch(`${api.url}/health/ready`)
      expect(ready.status).toBe(503)
      expect((await ready.json()).checks.media.status).toBe('down')
      // reading a story needs no store (URLs are presigned locally); the export reads the bytes
      expect((await client.request('GET', `/api/children/${childId}/stories`)).status).toBe(200)
      const exported = await client.request('GET', '/api/auth/me/export')
      expect([exported.status, exported.json.code]).toEqual([503, 'SERVICE_UNAVAILABLE'])
    } finally {
      await s3.up()
    }
    const { final } = await client.pollJob(accepted.job_id, { timeoutMs: 60_000 })
    expect(final).toMatchObject({ status: 'completed', progress: { chapters_illustrated: 5 } })
    await client.storyWithVariants(accepted.story_id)
    expect(keysOf(accepted.story_id)).toHaveLength(15)
  }, 90_000)

  it("deletes a story's objects from the bucket when the story is deleted", async () => {
    const { json: accepted } = await client.requestStory(childId, 'a garden of bells')
    await client.pollJob(accepted.job_id)
    await client.storyWithVariants(accepted.story_id)
    expect(keysOf(accepted.story_id)).toHaveLength(15)
    expect((await client.request('DELETE', `/api/stories/${accepted.story_id}`)).status).toBe(204)
    const stores = createMediaStores(db, testConfig(env))
    expect(await runMediaHousekeeping(db, stores, { orphanGraceSeconds: 3600 })).toMatchObject({
      deleted: 15,
      failed: 0,
    })
    expect(keysOf(accepted.story_id)).toEqual([])
  }, 60_000)
})
