import { aStory, type FakeOpenAI, readMp3, startFakeOpenAI } from '@dreamify/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { BEDTIME_INSTRUCTIONS } from '../../apps/worker/src/providers/openai.ts'
import { ApiClient, documentedFetch } from '../support/client.ts'
import { createTestDatabase } from '../support/database.ts'
import { startApi, startWorker, waitFor } from '../support/processes.ts'
import { createTestPrefix } from '../support/queues.ts'

// Narration end to end through the real `openai` SDK: real API and worker processes talking to the
// testkit's fake OpenAI-compatible server, whose /v1/audio/speech records every input and fails on cue.
let fake: FakeOpenAI
let api: Awaited<ReturnType<typeof startApi>>
let worker: Awaited<ReturnType<typeof startWorker>>
let parent: ApiClient
let childId: string

const prefix = createTestPrefix()

beforeAll(async () => {
  fake = await startFakeOpenAI({ textLatencyMs: 20, imageLatencyMs: 20, speechLatencyMs: 20 })
  const { url } = await createTestDatabase()
  const env = {
    DATABASE_URL: url,
    QUEUE_PREFIX: prefix,
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_API_KEY: 'test-key',
    STORIES_IN_FLIGHT_PER_PARENT: '0',
  }
  api = await startApi(env)
  worker = await startWorker(env)
  parent = await new ApiClient(api.url).signUp('Narration')
  childId = (await parent.addChild()).child.id
}, 60_000)

afterAll(async () => {
  const exits = { worker: await worker?.stop('SIGTERM'), api: await api?.stop('SIGTERM') }
  await fake?.close()
  if (worker && api) expect(exits).toEqual({ worker: 0, api: 0 })
}, 30_000)

afterEach(() => {
  fake.configure({ failNext: [], scope: 'all', speech: true, speechLatencyMs: 20 })
})

const speechCalls = (from = 0) =>
  fake.calls.slice(from).filter((call) => call.method === 'POST' && call.path === '/v1/audio/speech')

async function requestNarrated(topic: string, voice = 'sage') {
  const response = await parent.request('POST', '/api/stories', { ...aStory(childId, topic), narration: { voice } })
  expect(response.status).toBe(202)
  return response.json as { story_id: string; job_id: string }
}

const storyOf = async (client: ApiClient, storyId: string) =>
  (await client.request('GET', `/api/stories/${storyId}`)).json

async function fetchAudio(url: string, headers: Record<string, string> = {}) {
  const response = await documentedFetch(`${api.url}${url}`, { headers })
  return { response, bytes: Buffer.from(await response.arrayBuffer()) }
}

describe('narration through /v1/audio/speech', () => {
  it('offers the voices, and says narration is available', async () => {
    const { status, json } = await parent.request('GET', '/api/options')
    expect(status).toBe(200)
    expect(json.narration.available).toBe(true)
    expect(json.narration.voices.map((v: { value: string }) => v.value)).toContain('sage')
  })

  it('narrates nothing for a story requested without narration', async () => {
    const from = fake.calls.length
    const { json } = await parent.requestStory(childId, 'a quiet story')
    const { final } = await parent.pollJob(json.job_id, { timeoutMs: 30_000 })
    expect(final).toMatchObject({ status: 'completed', progress: { chapters_narrated: 0 } })
    const story = await storyOf(parent, json.story_id)
    expect(story).toMatchObject({ narration_voice: null, audio_status: 'none' })
    expect(story.chapters.every((c: any) => c.audio_status === 'none' && c.audio_url === null)).toBe(true)
    expect(speechCalls(from)).toHaveLength(0)
  })

  it('refuses an unknown voice, naming the field', async () => {
    const response = await parent.request('POST', '/api/stories', {
      ...aStory(childId),
      narration: { voice: 'shouty' },
    })
    expect(response.status).toBe(400)
    expect(response.json.message).toContain('narration')
  })

  it('reads every chapter aloud into five playable MP3 files, in a calm bedtime voice', async () => {
    const from = fake.calls.length
    const { story_id, job_id } = await requestNarrated('a sleepy owl')
    const { final } = await parent.pollJob(job_id, { timeoutMs: 30_000 })
    expect(final).toMatchObject({
      status: 'completed',
      progress: { chapters_total: 5, chapters_illustrated: 5, chapters_narrated: 5 },
    })
    const story = await storyOf(parent, story_id)
    expect(story).toMatchObject({ narration_voice: 'sage', audio_status: 'ready' })
    for (const chapter of story.chapters) {
      expect(chapter.audio_status).toBe('ready')
      expect(chapter.audio_url).toMatch(/^\/api\/media\/stories%2F[^?]+audio\.mp3\?expires=\d+&sig=/)
      const { response, bytes } = await fetchAudio(chapter.audio_url)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('audio/mpeg')
      expect(response.headers.get('accept-ranges')).toBe('bytes')
      expect(response.headers.get('cache-control')).toMatch(/^private, max-age=\d+, immutable$/)
      expect(readMp3(bytes).seconds).toBeGreaterThan(0.5)
    }
    // One call per chapter (each is well under 4,096 characters), reading its title and its text.
    const calls = speechCalls(from)
    expect(calls).toHaveLength(5)
    const inputs = calls.map((call) => call.body as Record<string, string>)
    for (const body of inputs) {
      expect(body).toMatchObject({
        model: 'gpt-4o-mini-tts',
        voice: 'sage',
        response_format: 'mp3',
        instructions: BEDTIME_INSTRUCTIONS,
      })
    }
    // (whitespace made single spaces: paragraphs are read as one flow)
    // The EPUB keepsake carries the narration: one MP3 per chapter, the very bytes served.
    const epub = await documentedFetch(`${api.url}/api/stories/${story_id}/book.epub`, {
      headers: { authorization: `Bearer ${parent.token}` },
    })
    expect(epub.status).toBe(200)
    const zip = Buffer.from(await epub.arrayBuffer())
    const mp3Names = zip.toString('latin1').match(/[\w/-]+\.mp3/g) ?? []
    expect(new Set(mp3Names).size).toBeGreaterThanOrEqual(5)
    for (const chapter of story.chapters)
      expect(inputs.map((b) => b.input)).toContain(`${chapter.title}. ${chapter.content}`.replace(/\s+/g, ' ').trim())
  })

  it('answers a Range request with 206 and exactly those bytes', async () => {
    const { story_id, job_id } = await requestNarrated('a moonlit pond')
    await parent.pollJob(job_id, { timeoutMs: 30_000 })
    const url = (await storyOf(parent, story_id)).chapters[0].audio_url
    const { bytes: whole } = await fetchAudio(url)
    const first = await fetchAudio(url, { range: 'bytes=0-99' })
    expect(first.response.status).toBe(206)
    expect(first.response.headers.get('content-range')).toBe(`bytes 0-99/${whole.length}`)
    expect(first.response.headers.get('content-length')).toBe('100')
    expect(first.bytes.equals(whole.subarray(0, 100))).toBe(true)
    const middle = await fetchAudio(url, { range: 'bytes=150-' })
    expect(middle.response.status).toBe(206)
    expect(middle.bytes.equals(whole.subarray(150))).toBe(true)
    const tail = await fetchAudio(url, { range: 'bytes=-10' })
    expect(tail.response.headers.get('content-range')).toBe(
      `bytes ${whole.length - 10}-${whole.length - 1}/${whole.length}`,
    )
    expect(tail.bytes.equals(whole.subarray(-10))).toBe(true)
    const beyond = await fetchAudio(url, { range: `bytes=${whole.length}-` })
    expect(beyond.response.status).toBe(416)
    expect(beyond.response.headers.get('content-range')).toBe(`bytes */${whole.length}`)
    // Several ranges, or an If-Range for another file: the whole file.
    const several = await fetchAudio(url, { range: 'bytes=0-1,5-6' })
    expect(several.response.status).toBe(200)
    expect(several.bytes.equals(whole)).toBe(true)
    const stale = await fetchAudio(url, { range: 'bytes=0-1', 'if-range': '"another"' })
    expect(stale.response.status).toBe(200)
    const etag = first.response.headers.get('etag')!
    expect((await fetchAudio(url, { 'if-none-match': etag })).response.status).toBe(304)
  })

  it('refuses another parent the story and its redo (404), and a tampered audio link (403)', async () => {
    const { story_id, job_id } = await requestNarrated('a hidden lighthouse')
    await parent.pollJob(job_id, { timeoutMs: 30_000 })
    const stranger = await new ApiClient(api.url).signUp('Stranger')
    expect((await stranger.request('GET', `/api/stories/${story_id}`)).status).toBe(404)
    const redo = await stranger.request('POST', `/api/stories/${story_id}/chapters/1/audio`)
    expect(redo.status).toBe(404)
    expect(redo.json.code).toBe('NOT_FOUND')
    const url: string = (await storyOf(parent, story_id)).chapters[0].audio_url
    const tampered = url.replace(/sig=[^&]+/, 'sig=AAAA')
    expect((await fetchAudio(tampered)).response.status).toBe(403)
    // An image's signature does not open the narration.
    const imageUrl: string = (await storyOf(parent, story_id)).chapters[0].image_url
    const imageQuery = imageUrl.split('?')[1]!
    expect((await fetchAudio(`${url.split('?')[0]}?${imageQuery}`)).response.status).toBe(403)
  })

  it("completes the story with audio_status failed when a chapter's narration fails for good, then redoes it", async () => {
    // The first narration is refused (permanent); the others are read.
    fake.configure({ scope: 'speech', failNext: ['refusal'] })
    const { story_id, job_id } = await requestNarrated('a sleepy train')
    const { final } = await parent.pollJob(job_id, { timeoutMs: 30_000 })
    expect(final).toMatchObject({ status: 'completed', error: null, progress: { chapters_narrated: 4 } })
    const story = await storyOf(parent, story_id)
    expect(story.audio_status).toBe('failed')
    const failed = story.chapters.filter((c: any) => c.audio_status === 'failed')
    expect(failed).toHaveLength(1)
    expect(failed[0].audio_url).toBeNull()
    expect(failed[0].image_status).toBe('ready')

    const redo = await parent.request('POST', `/api/stories/${story_id}/chapters/${failed[0].number}/audio`)
    expect(redo.status).toBe(202)
    const done = await parent.pollJob(redo.json.job_id, { timeoutMs: 30_000 })
    expect(done.final).toMatchObject({ kind: 'audio', status: 'completed', chapter_number: failed[0].number })
    const after = await storyOf(parent, story_id)
    expect(after.audio_status).toBe('ready')
    const chapter = after.chapters[failed[0].number - 1]
    expect(chapter.audio_status).toBe('ready')
    expect(readMp3((await fetchAudio(chapter.audio_url)).bytes).frames).toBeGreaterThan(0)
  })

  it('refuses a redo for a story that was not narrated (409)', async () => {
    const { json } = await parent.requestStory(childId, 'a story read silently')
    await parent.pollJob(json.job_id, { timeoutMs: 30_000 })
    const redo = await parent.request('POST', `/api/stories/${json.story_id}/chapters/1/audio`)
    expect(redo.status).toBe(409)
  })

  it('stops narrating when the story is cancelled', async () => {
    fake.configure({ speechLatencyMs: 3000 })
    const from = fake.calls.length
    const { story_id, job_id } = await requestNarrated('a story stopped at bedtime')
    await waitFor('a narration to start', async () => speechCalls(from).length >= 1, { timeoutMs: 20_000 })
    const cancel = await parent.request('POST', `/api/stories/${story_id}/cancel`)
    expect(cancel.status).toBe(200)
    // Longer than the fake takes to answer: anything still going would have settled by now.
    await new Promise((r) => setTimeout(r, 4000))
    const story = await storyOf(parent, story_id)
    expect(story.status).toBe('cancelled')
    expect(story.chapters.filter((c: any) => c.audio_status === 'ready')).toHaveLength(0)
    const job = (await parent.request('GET', `/api/jobs/${job_id}`)).json
    expect(job.progress.chapters_narrated).toBe(0)
  })

  it('never fails a story on a server without /v1/audio/speech', async () => {
    fake.configure({ speech: false })
    const { story_id, job_id } = await requestNarrated('a story on a quiet server')
    const { final } = await parent.pollJob(job_id, { timeoutMs: 30_000 })
    expect(final).toMatchObject({ status: 'completed', error: null, progress: { chapters_narrated: 0 } })
    const story = await storyOf(parent, story_id)
    expect(story.audio_status).toBe('failed')
    expect(story.chapters.every((c: any) => c.audio_status === 'failed' && c.image_status === 'ready')).toBe(true)
    expect(story.chapters[0].audio_error).toBe('NARRATION_UNAVAILABLE')
  })
})
