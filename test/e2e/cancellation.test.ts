import { beforeAll, describe, expect, it } from 'vitest'
import { ApiClient, documentedFetch } from '../support/client.ts'
import { createTestDatabase } from '../support/database.ts'
import { startApi, startWorker, waitFor } from '../support/processes.ts'
import { createTestPrefix } from '../support/queues.ts'

// Slow enough text that a story is caught mid-writing.
let env: Record<string, string>
let client: ApiClient
let childId: string
let apiUrl: string

beforeAll(async () => {
  const { url } = await createTestDatabase()
  const prefix = createTestPrefix()
  env = {
    DATABASE_URL: url,
    QUEUE_PREFIX: prefix,
    GENERATION_PROVIDER: 'fixtures',
    FIXTURES_TEXT_MS: '6000',
    FIXTURES_IMAGE_MS: '300',
    STORIES_IN_FLIGHT_PER_PARENT: '0',
  }
  const api = await startApi(env)
  apiUrl = api.url
  client = await new ApiClient(api.url).signUp('Cancel')
  childId = (await client.addChild()).child.id
}, 60_000)

const chapterCount = async (storyId: string) =>
  (await client.request('GET', `/api/stories/${storyId}`)).json.chapters.length as number

describe('cancellation', () => {
  it('never starts a cancelled queued story', async () => {
    const { json: accepted } = await client.requestStory(childId, 'a story nobody will read')
    const cancel = await client.request('POST', `/api/stories/${accepted.story_id}/cancel`)
    expect(cancel.status).toBe(200)
    expect(cancel.json).toMatchObject({ job_id: accepted.job_id, status: 'cancelled' })
    await startWorker(env)
    await new Promise((r) => setTimeout(r, 2000))
    const story = (await client.request('GET', `/api/stories/${accepted.story_id}`)).json
    expect(story.status).toBe('cancelled')
    expect(story.chapters).toHaveLength(0)
  })

  it('stops a running story on whichever worker holds it, and refuses to cancel a finished one', async () => {
    const { json: accepted } = await client.requestStory(childId, 'a very long adventure')
    await waitFor('the story to be written', async () => (await chapterCount(accepted.story_id)) >= 1, {
      timeoutMs: 20_000,
    })
    const cancel = await client.request('POST', `/api/stories/${accepted.story_id}/cancel`)
    expect(cancel.status).toBe(200)
    expect(cancel.json.status).toBe('cancelled')
    const atCancel = await chapterCount(accepted.story_id)
    await new Promise((r) => setTimeout(r, 4000))
    const story = (await client.request('GET', `/api/stories/${accepted.story_id}`)).json
    expect(story.status).toBe('cancelled')
    // At most the chapter already in flight lands; nothing is written after that.
    expect(story.chapters.length).toBeLessThanOrEqual(atCancel + 1)
    expect(story.chapters.length).toBeLessThan(5)
    const again = await client.request('POST', `/api/stories/${accepted.story_id}/cancel`)
    expect(again.status).toBe(409)
    expect(again.json.code).toBe('CONFLICT')
  })

  it('resumes a cancelled story with retry, keeping what was saved', async () => {
    const { json: accepted } = await client.requestStory(childId, 'a story worth finishing')
    await waitFor('a chapter', async () => (await chapterCount(accepted.story_id)) >= 1, { timeoutMs: 20_000 })
    await client.request('POST', `/api/stories/${accepted.story_id}/cancel`)
    const kept = (await client.request('GET', `/api/stories/${accepted.story_id}`)).json.chapters
    const retry = await client.request('POST', `/api/stories/${accepted.story_id}/retry`)
    expect(retry.status).toBe(202)
    expect(retry.json.job_id).not.toBe(accepted.job_id)
    const { final } = await client.pollJob(retry.json.job_id)
    expect(final.status).toBe('completed')
    const story = (await client.request('GET', `/api/stories/${accepted.story_id}`)).json
    expect(story.job_id).toBe(retry.json.job_id)
    expect(story.chapters).toHaveLength(5)
    for (const chapter of kept) expect(story.chapters[chapter.number - 1].content).toBe(chapter.content)
    expect((await client.request('POST', `/api/stories/${accepted.story_id}/retry`)).status).toBe(409)
  }, 60_000)

  it('cancels a running story before deleting it', async () => {
    const { json: accepted } = await client.requestStory(childId, 'a story deleted halfway')
    await waitFor('a chapter', async () => (await chapterCount(accepted.story_id)) >= 1, { timeoutMs: 20_000 })
    expect((await client.request('DELETE', `/api/stories/${accepted.story_id}`)).status).toBe(204)
    expect((await client.request('GET', `/api/stories/${accepted.story_id}`)).status).toBe(404)
    expect((await client.request('GET', `/api/jobs/${accepted.job_id}`)).status).toBe(404)
    // The worker notices and stops without errors that would leave anything behind.
    await new Promise((r) => setTimeout(r, 2000))
    expect((await documentedFetch(`${apiUrl}/health/ready`)).status).toBe(200)
  })
})
