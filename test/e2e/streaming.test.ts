import { sql } from '@dreamify/db'
import { loadStoryTemplates } from '@dreamify/prompts'
import {
  aChild,
  type ChatRequestBody,
  openEventStream,
  type StreamEvent,
  startFakeOpenAI,
  storyForRequest,
} from '@dreamify/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient, documentedFetch } from '../support/client.ts'
import { createTestDatabase } from '../support/database.ts'
import { startApi, startWorker } from '../support/processes.ts'
import { createTestPrefix } from '../support/queues.ts'
import { tallyStories } from '../support/tally.ts'

// Server-Sent Events with real processes: the worker publishes through Redis, the API (another
// process) streams. The fixtures provider writes slowly enough for chapters to be drawn while
// later ones are still being written.
const NO_LIMITS = { STORIES_IN_FLIGHT_PER_PARENT: '0', STORIES_PER_DAY_PER_PARENT: '0' }

const chapterNumbers = (events: StreamEvent[], name: string) =>
  events.filter((e) => e.event === name).map((e) => e.data.number as number)
const strictlyIncreasing = (ids: number[]) => ids.every((id, i) => i === 0 || id > ids[i - 1]!)

describe('job events over SSE, worker and API in separate processes', () => {
  let api: Awaited<ReturnType<typeof startApi>>
  let parent: ApiClient
  let stranger: ApiClient
  let childId: string

  beforeAll(async () => {
    const { url } = await createTestDatabase()
    const prefix = createTestPrefix()
    const env = {
      DATABASE_URL: url,
      QUEUE_PREFIX: prefix,
      GENERATION_PROVIDER: 'fixtures',
      FIXTURES_TEXT_MS: '3000',
      FIXTURES_IMAGE_MS: '300',
      STREAMING: 'true',
      ...NO_LIMITS,
    }
    api = await startApi(env)
    await startWorker(env)
    parent = await new ApiClient(api.url).signUp('Streamer')
    stranger = await new ApiClient(api.url).signUp('Stranger')
    childId = (await parent.addChild()).child.id
  }, 60_000)

  afterAll(() => api?.stop('SIGKILL'))

  it('streams a story from its request to `completed`, illustrating early chapters while later ones are written', async () => {
    const { json: accepted } = await parent.requestStory(childId, 'a whale who sang')
    const stream = await openEventStream(`${api.url}/api/jobs/${accepted.job_id}/events`, {
      authorization: `Bearer ${parent.token}`,
    })
    expect(stream.response.status).toBe(200)
    const events = await stream.end()

    expect(strictlyIncreasing(events.map((e) => e.id))).toBe(true)
    expect(events[0]!.event).toBe('stage')
    const final = events.at(-1)!
    expect(final.event).toBe('completed')
    const polled = await parent.request('GET', `/api/jobs/${accepted.job_id}`)
    expect(final.data).toEqual(polled.json)
    expect(final.data).toMatchObject({
      status: 'completed',
      progress: { percent: 100, stage: 'done', chapters_total: 5, chapters_illustrated: 5 },
    })

    expect(chapterNumbers(events, 'chapter_written')).toEqual([1, 2, 3, 4, 5])
    expect(chapterNumbers(events, 'chapter_illustrated').sort()).toEqual([1, 2, 3, 4, 5])
    const { json: story } = await parent.request('GET', `/api/stories/${accepted.story_id}`)
    expect(story.chapters_total).toBe(5)
    expect(story.chapters).toHaveLength(5)
    for (const event of events.filter((e) => e.event.startsWith('chapter_'))) {
      expect(event.data).toEqual({ number: event.data.number, title: story.chapters[event.data.number - 1].title })
    }
    // Early fan-out: chapter 1 is drawn before the last chapter's text is even saved.
    const firstDrawn = events.findIndex((e) => e.event === 'chapter_illustrated' && e.data.number === 1)
    const lastWritten = events.findIndex((e) => e.event === 'chapter_written' && e.data.number === 5)
    expect(firstDrawn).toBeGreaterThan(-1)
    expect(firstDrawn).toBeLessThan(lastWritten)
    // Stage events come when something changes, and progress never goes back.
    const stages = events.filter((e) => e.event === 'stage').map((e) => e.data.progress)
    expect(stages.length).toBeGreaterThan(3)
    const percents = stages.map((p) => p.percent)
    expect(percents).toEqual([...percents].sort((a, b) => a - b))
    const illustrated = stages.map((p) => p.chapters_illustrated)
    expect(illustrated).toEqual([...illustrated].sort((a, b) => a - b))
    expect(stages.map((p) => p.stage)).toEqual(expect.arrayContaining(['writing', 'illustrating']))
  }, 60_000)

  it('resumes with Last-Event-ID: exactly the missed events, no duplicates, no gaps', async () => {
    const { json: accepted } = await parent.requestStory(childId, 'a lighthouse keeper')
    const { json: issued } = await parent.request('POST', `/api/jobs/${accepted.job_id}/events-token`)
    const url = `${api.url}/api/jobs/${accepted.job_id}/events?token=${issued.token}`

    // An EventSource-like client, by the token in the URL: reads until the first chapter, then drops.
    const first = await openEventStream(url)
    await first.until((events) => events.some((e) => e.event === 'chapter_written'), 60_000)
    await first.close()
    const seen = [...first.events]
    const lastSeen = seen.at(-1)!.id
    await new Promise((r) => setTimeout(r, 800)) // events go by meanwhile

    const resumed = await openEventStream(url, { 'last-event-id': String(lastSeen) })
    const missed = await resumed.end()
    expect(missed.at(-1)!.event).toBe('completed')

    // Everything the job published, replayed from the start.
    const everything = await openEventStream(url, { 'last-event-id': '0' })
    const all = await everything.end()
    expect(all[0]!.id).toBe(1)
    expect(all.map((e) => e.id)).toEqual(all.map((_, i) => i + 1)) // ids are 1, 2, 3, … within the job
    expect(missed.length).toBeGreaterThan(0)
    expect(missed).toEqual(all.filter((e) => e.id > lastSeen))
    // What the first connection saw (after its snapshot of the state) is the stream's, event for event.
    for (const event of seen.slice(1)) expect(all.find((e) => e.id === event.id)).toEqual(event)
    expect(chapterNumbers([...seen, ...missed], 'chapter_written')).toEqual([1, 2, 3, 4, 5])

    // The client has the final event: reconnecting again is told to stop.
    const again = await documentedFetch(url, { headers: { 'last-event-id': String(all.at(-1)!.id) } })
    expect(again.status).toBe(204)
  }, 60_000)

  it("lets no other parent open a job's stream", async () => {
    const { json: accepted } = await parent.requestStory(childId, 'a fox in the snow')
    const theirs = await stranger.request('GET', `/api/jobs/${accepted.job_id}/events`)
    expect(theirs.status).toBe(404)
    expect(theirs.json.code).toBe('NOT_FOUND')
    expect((await stranger.request('POST', `/api/jobs/${accepted.job_id}/events-token`)).status).toBe(404)
    // A token the owner was given opens only that stream, and only as ?token=.
    const { json: issued } = await parent.request('POST', `/api/jobs/${accepted.job_id}/events-token`)
    expect(
      (await stranger.request('GET', `/api/auth/me`, undefined, { authorization: `Bearer ${issued.token}` })).status,
    ).toBe(401)
    await parent.pollJob(accepted.job_id)
  }, 60_000)

  it('never holds up a graceful shutdown: SIGTERM ends open streams and the API exits', async () => {
    const { json: accepted } = await parent.requestStory(childId, 'a stream left open')
    const streams = await Promise.all(
      [1, 2].map(() =>
        openEventStream(`${api.url}/api/jobs/${accepted.job_id}/events`, { authorization: `Bearer ${parent.token}` }),
      ),
    )
    for (const stream of streams) await stream.until((events) => events.length > 0, 60_000)
    const started = Date.now()
    expect(await api.stop('SIGTERM')).toBe(0)
    expect(Date.now() - started).toBeLessThan(5000)
    for (const stream of streams) await stream.end(5000)
  }, 30_000)
})

describe('a text stream that breaks after chapter 2 (OpenAI-compatible provider)', () => {
  it('continues the story from chapter 3 with chapters 1–2 sent back, each chapter written once', async () => {
    const fake = await startFakeOpenAI({
      tokensPerSecond: 400,
      failNext: ['break'],
      scope: 'text',
      breakAfterChapter: 2,
    })
    afterAll(() => fake.close())
    const { url, db } = await createTestDatabase()
    const prefix = createTestPrefix()
    const env = {
      DATABASE_URL: url,
      QUEUE_PREFIX: prefix,
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_API_KEY: 'test',
      STREAMING: 'true',
      ...NO_LIMITS,
    }
    const api = await startApi(env)
    await startWorker(env)
    const client = await new ApiClient(api.url).signUp('Broken')
    const { child } = await client.addChild()
    const name = aChild.name
    const { json: accepted } = await client.requestStory(child.id, 'a robot who learned to paint')
    const stream = await openEventStream(`${api.url}/api/jobs/${accepted.job_id}/events`, {
      authorization: `Bearer ${client.token}`,
    })
    const events = await stream.end(90_000)

    expect(events.at(-1)).toMatchObject({
      event: 'completed',
      data: { status: 'completed', progress: { chapters_illustrated: 5 } },
    })
    expect(strictlyIncreasing(events.map((e) => e.id))).toBe(true)
    const textCalls = fake.calls.filter((call) => call.path.includes('chat/completions'))
    expect(textCalls).toHaveLength(2)
    expect(textCalls[0]!.fault).toBe('break')
    expect(chapterNumbers(events, 'chapter_written')).toEqual([1, 2, 3, 4, 5])
    expect(chapterNumbers(events, 'chapter_illustrated').sort()).toEqual([1, 2, 3, 4, 5])
    const { rows } = await sql<{ number: number; title: string; content: string }>`
      select number, title, content from chapters where story_id = ${accepted.story_id} order by number`.execute(db)
    expect(rows.map((r) => r.number)).toEqual([1, 2, 3, 4, 5])

    // The second answer was asked to go on from chapter 3, with the saved chapters 1–2 sent back as
    // data (the stand-in in place of the child's name), and the whole story is the first answer's plot.
    const resumed = textCalls[1]!.body as ChatRequestBody
    expect(resumed.response_format).toMatchObject({
      json_schema: { name: 'story_continuation', schema: { properties: { chapters: { minItems: 3 } } } },
    })
    const user = String(resumed.messages!.find((m) => m.role === 'user')!.content)
    expect(user).toMatch(/from chapter 3\./)
    const data = JSON.parse(/<story_data>\n([\s\S]*)\n<\/story_data>/.exec(user)![1]!)
    const standIn: string = data.child.name
    expect(standIn).not.toBe(name)
    const asSaved = (text: string) => text.replaceAll(standIn, name)
    expect(data.story_so_far.chapters.map((c: { number: number }) => c.number)).toEqual([1, 2])
    expect(data.story_so_far.chapters.map((c: { content: string }) => asSaved(c.content))).toEqual(
      rows.slice(0, 2).map((r) => r.content),
    )
    expect(JSON.stringify(data.story_so_far)).not.toContain(name)
    // The fake tells one story per child and topic: chapters 3–5 are that story's, not a new plot's.
    const whole = storyForRequest(textCalls[0]!.body as ChatRequestBody, loadStoryTemplates())
    expect(rows.map((r) => r.content)).toEqual(whole.chapters.map((c) => asSaved(c.content)))
    expect(await tallyStories(db, [accepted.story_id])).toMatchObject({ completed: 1, lost: 0, duplicated: 0 })
    expect(await api.stop('SIGTERM')).toBe(0)
  }, 120_000)
})
