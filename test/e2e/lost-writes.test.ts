import { jobItem, QUEUES, type Queues } from '@dreamify/core'
import { type Db, sql } from '@dreamify/db'
import { beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../support/client.ts'
import { createTestDatabase } from '../support/database.ts'
import { type Service, startApi, startWorker } from '../support/processes.ts'
import { createTestQueues } from '../support/queues.ts'

// Postgres is the record: when it loses writes the queue already acted on (a failover that lost
// its last commits), the reconciler drives the story again from what Postgres says.
let db: Db
let queues: Queues
let client: ApiClient
let childId: string
let worker: Service

beforeAll(async () => {
  const database = await createTestDatabase()
  db = database.db
  const test = createTestQueues()
  queues = test.queues
  const env = {
    DATABASE_URL: database.url,
    QUEUE_PREFIX: test.prefix,
    GENERATION_PROVIDER: 'fixtures',
    FIXTURES_TEXT_MS: '200',
    FIXTURES_IMAGE_MS: '100',
  }
  const api = await startApi(env)
  worker = await startWorker(env)
  client = await new ApiClient(api.url).signUp('LostWrites')
  childId = (await client.addChild()).child.id
}, 60_000)

describe('lost Postgres writes', () => {
  it('draws again a chapter whose settle was lost although its queue job completed', async () => {
    const { json: accepted } = await client.requestStory(childId, 'a lighthouse keeper')
    const { story_id: storyId, job_id: jobId } = accepted
    await client.pollJob(jobId, { timeoutMs: 30_000 })
    expect(
      await queues[QUEUES.chapterImage].getJobState(
        jobItem(QUEUES.chapterImage, { jobId, storyId, chapterNumber: 3 }).opts.jobId,
      ),
    ).toBe('completed')

    // As if the last commits of chapter 3's settle and the completion were lost, 30 s ago.
    await sql`update chapters set image_status = 'pending', image_id = null where story_id = ${storyId} and number = 3`.execute(
      db,
    )
    await sql`update stories set completed_at = null where id = ${storyId}`.execute(db)
    await sql`update jobs set status = 'running', stage = 'illustrating', percent = 84, chapters_settled = 4, chapters_illustrated = 4,
      finished_at = null, updated_at = now() - interval '30 seconds' where id = ${jobId}`.execute(db)

    // Past the API's 200 ms job cache, polls see the job running again.
    await new Promise((r) => setTimeout(r, 300))
    expect((await client.request('GET', `/api/jobs/${jobId}`)).json.status).toBe('running')
    // The reconciler (every ~10 s) finds the job unmoved and no live queue job, and drives its text step again.
    const { final } = await client.pollJob(jobId, { timeoutMs: 45_000, intervalMs: 500 })
    expect(final).toMatchObject({ status: 'completed', progress: { chapters_illustrated: 5 } })
    const story = (await client.request('GET', `/api/stories/${storyId}`)).json
    expect(story.chapters.map((c: { image_status: string }) => c.image_status)).toEqual([
      'ready',
      'ready',
      'ready',
      'ready',
      'ready',
    ])
  }, 90_000)
})

describe('lost chapter text', () => {
  it('continues the story from the first lost chapter with its own plot, rewriting none that is saved', async () => {
    const { json: accepted } = await client.requestStory(childId, 'a paper boat')
    const { story_id: storyId, job_id: jobId } = accepted
    await client.pollJob(jobId, { timeoutMs: 30_000 })
    const before = (await client.request('GET', `/api/stories/${storyId}`)).json

    // As if the commits that saved chapters 4 and 5 (and everything after) were lost, 30 s ago.
    await sql`delete from chapters where story_id = ${storyId} and number > 3`.execute(db)
    await sql`update stories set completed_at = null where id = ${storyId}`.execute(db)
    await sql`update jobs set status = 'running', stage = 'writing', percent = 40, chapters_settled = 3, chapters_illustrated = 3,
      finished_at = null, updated_at = now() - interval '30 seconds' where id = ${jobId}`.execute(db)

    // Past the API's 200 ms job cache, the reconciler drives the text step again; the offline
    // provider goes on with its own template.
    await new Promise((r) => setTimeout(r, 300))
    expect((await client.request('GET', `/api/jobs/${jobId}`)).json.status).toBe('running')
    const { final } = await client.pollJob(jobId, { timeoutMs: 45_000, intervalMs: 500 })
    expect(final).toMatchObject({ status: 'completed', progress: { chapters_illustrated: 5 } })
    const after = (await client.request('GET', `/api/stories/${storyId}`)).json
    expect(after.title).toBe(before.title)
    const text = (story: { chapters: Array<{ number: number; title: string; content: string }> }) =>
      story.chapters.map((c) => [c.number, c.title, c.content])
    expect(text(after)).toEqual(text(before))
    // It was asked for chapters 4 and 5 only (the whole story again would read the same, from the same template).
    expect(worker.output()).toMatch(/"from":4,.*continuing the story after its saved chapters/)
  }, 90_000)
})
