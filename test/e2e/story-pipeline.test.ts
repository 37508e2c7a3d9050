import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient, documentedFetch } from '../support/client.ts'
import { createTestDatabase } from '../support/database.ts'
import { startApi, startWorker } from '../support/processes.ts'
import { createTestPrefix } from '../support/queues.ts'

// Real processes: the API and a worker, on their own database and queue prefix, with the
// offline fixtures provider (a little simulated latency so the stages can be seen moving).
let api: Awaited<ReturnType<typeof startApi>>
let parent: ApiClient
let stranger: ApiClient

beforeAll(async () => {
  const { url } = await createTestDatabase()
  const prefix = createTestPrefix()
  const env = {
    DATABASE_URL: url,
    QUEUE_PREFIX: prefix,
    GENERATION_PROVIDER: 'fixtures',
    FIXTURES_TEXT_MS: '1500',
    FIXTURES_IMAGE_MS: '200',
    STREAMING: 'true',
  }
  api = await startApi(env)
  await startWorker(env)
  parent = await new ApiClient(api.url).signUp('Owner')
  stranger = await new ApiClient(api.url).signUp('Stranger')
}, 60_000)

afterAll(async () => {
  expect(await api.stop('SIGTERM')).toBe(0)
})

describe('a story from request to illustrated chapters', () => {
  let storyId: string
  let jobId: string
  let childId: string

  it('accepts the request with 202 and a Location to poll', async () => {
    const { child } = await parent.addChild()
    childId = child.id
    const response = await parent.requestStory(childId, 'a lost red balloon')
    expect(response.status).toBe(202)
    expect(response.json).toEqual({ story_id: expect.any(String), job_id: expect.any(String), status: 'queued' })
    expect(response.headers.get('location')).toBe(`/api/jobs/${response.json.job_id}`)
    storyId = response.json.story_id
    jobId = response.json.job_id
  })

  it('moves through the stages with progress that never goes back, and completes with 5 illustrated chapters', async () => {
    const { final, seen } = await parent.pollJob(jobId, { intervalMs: 50 })
    expect(final).toMatchObject({
      job_id: jobId,
      kind: 'story',
      status: 'completed',
      story_id: storyId,
      error: null,
      progress: { percent: 100, stage: 'done', chapters_total: 5, chapters_illustrated: 5 },
    })
    expect(final.child_id).toBeUndefined()
    const percents = seen.map((s) => s.progress.percent)
    expect(percents).toEqual([...percents].sort((a, b) => a - b))
    const stages = new Set(seen.map((s) => s.progress.stage))
    expect(stages.has('writing') || stages.has('illustrating')).toBe(true)
    const illustrated = seen.map((s) => s.progress.chapters_illustrated)
    expect(new Set(illustrated).size).toBeGreaterThan(2)
  })

  it('shows the story with its chapters, each with an image that opens', async () => {
    const { status, json: story } = await parent.request('GET', `/api/stories/${storyId}`)
    expect(status).toBe(200)
    expect(story).toMatchObject({
      story_id: storyId,
      child_id: childId,
      job_id: jobId,
      status: 'completed',
      error: null,
      topic: 'a lost red balloon',
      story_genre: 'Adventure',
      image_style: 'Watercolor',
    })
    expect(story.title).toMatch(/Mia/)
    expect(story.chapters.map((c: any) => c.number)).toEqual([1, 2, 3, 4, 5])
    const words = story.chapters.reduce((n: number, c: any) => n + c.content.split(/\s+/).length, 0)
    expect(words).toBeGreaterThan(1200)
    expect(story.chapters.map((c: any) => c.content).join(' ')).toContain('Mia')
    for (const chapter of story.chapters) {
      expect(chapter.image_status).toBe('ready')
      const image = await documentedFetch(`${api.url}${chapter.image_url}`)
      expect(image.status).toBe(200)
      expect(image.headers.get('content-type')).toBe('image/png')
      expect(image.headers.get('etag')).toBeTruthy()
      expect(image.headers.get('cache-control')).toMatch(/max-age=\d+/)
      const bytes = Buffer.from(await image.arrayBuffer())
      expect(bytes.subarray(1, 4).toString()).toBe('PNG')
    }
    // The variants are made after each picture settles (the image-variants step).
    const withVariants = await parent.storyWithVariants(storyId)
    for (const chapter of withVariants.chapters) {
      expect(chapter.image_url).toBe(story.chapters[chapter.number - 1].image_url)
      // the fixtures are 1024 wide: WebP at 512 and 1024
      expect(chapter.image_srcset).toMatch(
        /^\/api\/media\/\S+%2Fw512\.webp\?\S+ 512w, \/api\/media\/\S+%2Fw1024\.webp\?\S+ 1024w$/,
      )
      const small = await documentedFetch(`${api.url}${chapter.image_srcset.split(' ')[0]}`)
      expect(small.status).toBe(200)
      expect(small.headers.get('content-type')).toBe('image/webp')
    }
    // The same image keeps the same URL across polls, so browsers can cache it.
    const again = await parent.request('GET', `/api/stories/${storyId}`)
    expect(again.json.chapters[0].image_url).toBe(story.chapters[0].image_url)
    const cached = await documentedFetch(`${api.url}${story.chapters[0].image_url}`, {
      headers: {
        'if-none-match': (await documentedFetch(`${api.url}${story.chapters[0].image_url}`)).headers.get('etag')!,
      },
    })
    expect(cached.status).toBe(304)
  })

  it('refuses tampered, expired and missing image signatures', async () => {
    const { json: story } = await parent.request('GET', `/api/stories/${storyId}`)
    const url = new URL(story.chapters[0].image_url, api.url)
    const sig = url.searchParams.get('sig')!
    const tampered = new URL(url)
    tampered.searchParams.set('sig', `${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`)
    expect((await documentedFetch(tampered)).status).toBe(403)
    const expired = new URL(url)
    expired.searchParams.set('expires', '1000')
    expect((await documentedFetch(expired)).status).toBe(403)
    const longer = new URL(url)
    longer.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600))
    expect((await documentedFetch(longer)).status).toBe(403)
    const missing = new URL(url)
    missing.search = ''
    expect((await documentedFetch(missing)).status).toBe(400)
  })

  it("lists the child's library newest first with a cover and cursor pagination", async () => {
    const second = await parent.requestStory(childId, 'a snail who wanted to fly')
    await parent.pollJob(second.json.job_id)
    await parent.storyWithVariants(second.json.story_id)
    const page1 = await parent.request('GET', `/api/children/${childId}/stories?limit=1`)
    expect(page1.status).toBe(200)
    expect(page1.json.stories).toHaveLength(1)
    expect(page1.json.stories[0]).toMatchObject({
      story_id: second.json.story_id,
      status: 'completed',
      // the small size: the library shows many covers on a phone
      cover_image_url: expect.stringMatching(/^\/api\/media\/stories%2F\S+%2Fw512\.webp\?/),
    })
    expect(page1.json.next_cursor).toEqual(expect.any(String))
    const page2 = await parent.request(
      'GET',
      `/api/children/${childId}/stories?limit=1&cursor=${page1.json.next_cursor}`,
    )
    expect(page2.json.stories.map((s: any) => s.story_id)).toEqual([storyId])
    expect(page2.json.next_cursor).toBeNull()
    expect((await parent.request('GET', `/api/children/${childId}/stories?cursor=not-a-cursor`)).json.code).toBe(
      'INVALID_CURSOR',
    )
    expect((await parent.request('GET', `/api/children/${childId}/stories?limit=101`)).status).toBe(400)
  })

  it('shows another parent none of it: every id answers 404', async () => {
    const paths = [
      ['GET', `/api/jobs/${jobId}`],
      ['GET', `/api/stories/${storyId}`],
      ['GET', `/api/children/${childId}/stories`],
      ['POST', `/api/stories/${storyId}/retry`],
      ['POST', `/api/stories/${storyId}/cancel`],
      ['POST', `/api/stories/${storyId}/chapters/1/image`],
      ['DELETE', `/api/stories/${storyId}`],
    ] as const
    for (const [method, path] of paths) {
      const response = await stranger.request(method, path)
      expect(response.status, `${method} ${path}`).toBe(404)
      expect(response.json.code).toBe('NOT_FOUND')
    }
    const theirs = await stranger.requestStory(childId)
    expect(theirs.status).toBe(404)
    expect((await parent.request('GET', `/api/stories/${storyId}`)).status).toBe(200)
  })

  it('draws one chapter again on request', async () => {
    const before = (await parent.request('GET', `/api/stories/${storyId}`)).json.chapters[1].image_url
    const response = await parent.request('POST', `/api/stories/${storyId}/chapters/2/image`)
    expect(response.status).toBe(202)
    const { final } = await parent.pollJob(response.json.job_id)
    expect(final).toMatchObject({ kind: 'image', status: 'completed', story_id: storyId, chapter_number: 2 })
    const after = (await parent.request('GET', `/api/stories/${storyId}`)).json.chapters[1]
    expect(after.image_status).toBe('ready')
    expect(after.image_url).not.toBe(before)
    expect((await documentedFetch(`${api.url}${before}`)).status).toBe(404)
    expect((await parent.request('POST', `/api/stories/${storyId}/chapters/9/image`)).status).toBe(404)
  })

  it('deletes a story with its chapters and images', async () => {
    const { json: story } = await parent.request('GET', `/api/stories/${storyId}`)
    expect((await parent.request('DELETE', `/api/stories/${storyId}`)).status).toBe(204)
    expect((await parent.request('GET', `/api/stories/${storyId}`)).status).toBe(404)
    expect((await parent.request('GET', `/api/jobs/${jobId}`)).status).toBe(404)
    expect((await documentedFetch(`${api.url}${story.chapters[0].image_url}`)).status).toBe(404)
  })
})

describe('avatars', () => {
  it('draws a portrait when a child is added, and a new one when the appearance changes', async () => {
    const { child, avatar_job_id } = await parent.addChild({ name: 'Leo', sex: 'Male' })
    expect(child.avatar_url).toBeNull()
    const { final } = await parent.pollJob(avatar_job_id)
    expect(final).toMatchObject({ kind: 'avatar', status: 'completed', child_id: child.id })
    expect(final.story_id).toBeUndefined()
    const first = (await parent.request('GET', `/api/children/${child.id}`)).json.child.avatar_url
    expect(first).toMatch(/^\/api\/media\/children%2F/)
    const image = await documentedFetch(`${api.url}${first}`)
    expect(image.headers.get('content-type')).toBe('image/png')

    const renamed = await parent.request('PATCH', `/api/children/${child.id}`, { name: 'Leon' })
    expect(renamed.json.avatar_job_id).toBeNull()
    const changed = await parent.request('PATCH', `/api/children/${child.id}`, { hair_color: 'Black' })
    expect(changed.json.avatar_job_id).toEqual(expect.any(String))
    // The old portrait stays until the new one is ready.
    expect(changed.json.child.avatar_url).toBe(first)
    await parent.pollJob(changed.json.avatar_job_id)
    const second = (await parent.request('GET', `/api/children/${child.id}`)).json.child.avatar_url
    expect(second).not.toBe(first)
    expect((await stranger.request('GET', `/api/jobs/${changed.json.avatar_job_id}`)).status).toBe(404)
  })
})
