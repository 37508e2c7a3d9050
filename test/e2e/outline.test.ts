import { type Db, sql } from '@dreamify/db'
import {
  aStory,
  type FakeOpenAI,
  openEventStream,
  outlineTask,
  type StreamEvent,
  startFakeOpenAI,
} from '@dreamify/testkit'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ApiClient } from '../support/client.ts'
import { createTestDatabase } from '../support/database.ts'
import { startApi, startWorker, waitFor } from '../support/processes.ts'
import { createTestPrefix } from '../support/queues.ts'
import { tallyStories } from '../support/tally.ts'

// GENERATION_STRATEGY=outline end to end (docs/decisions/0013), with real API and worker processes:
// one planning call, then every chapter's text and picture at once.
const NO_LIMITS = { STORIES_IN_FLIGHT_PER_PARENT: '0', STORIES_PER_DAY_PER_PARENT: '0' }

const numbers = (events: StreamEvent[], name: string) =>
  events
    .filter((e) => e.event === name)
    .map((e) => e.data.number as number)
    .sort()

type Call = FakeOpenAI['calls'][number]
const isText = (call: Call) => call.path === '/v1/chat/completions'
// chapter pictures, drawn from the avatar (edits) or from words (not the child's portrait, drawn when the child is added)
const pictureCalls = (calls: Call[]) =>
  calls.filter(
    (c) =>
      c.path === '/v1/images/edits' ||
      (c.path === '/v1/images/generations' && String((c.body as { prompt?: unknown }).prompt).includes('picture-book')),
  )
const outlineCalls = (calls: Call[]) =>
  calls.filter((c) => isText(c) && outlineTask(c.body as never)?.kind === 'outline')
const chapterCalls = (calls: Call[]) =>
  calls
    .filter(isText)
    .map((c) => ({ call: c, task: outlineTask(c.body as never) }))
    .filter((c) => c.task?.kind === 'chapter')
    .map(({ call, task }) => ({ call, number: (task as { number: number }).number }))
const callsPerChapter = (calls: Call[]) => {
  const counts: Record<number, number> = {}
  for (const { number } of chapterCalls(calls)) counts[number] = (counts[number] ?? 0) + 1
  return counts
}

async function savedChapters(db: Db, storyId: string) {
  const { rows } = await sql<{
    number: number
    content: string
    written: boolean
    image_status: string
  }>`select number, content, written, image_status from chapters where story_id = ${storyId} order by number`.execute(
    db,
  )
  return rows
}

describe('outlined stories with the fixtures provider', () => {
  let api: Awaited<ReturnType<typeof startApi>>
  let parent: ApiClient
  let childId: string
  let db: Db

  beforeAll(async () => {
    const database = await createTestDatabase()
    db = database.db
    const prefix = createTestPrefix()
    const env = {
      DATABASE_URL: database.url,
      QUEUE_PREFIX: prefix,
      GENERATION_PROVIDER: 'fixtures',
      GENERATION_STRATEGY: 'outline',
      FIXTURES_TEXT_MS: '6000',
      FIXTURES_IMAGE_MS: '300',
      TEXT_CONCURRENCY: '5',
      ...NO_LIMITS,
    }
    api = await startApi(env)
    await startWorker(env)
    parent = await new ApiClient(api.url).signUp('Planner')
    childId = (await parent.addChild()).child.id
  }, 60_000)

  afterAll(() => api?.stop('SIGKILL'))

  it('plans, then writes and draws every chapter together; the same events as a streamed story', async () => {
    const { json: accepted } = await parent.requestStory(childId, 'a whale who sang')
    const stream = await openEventStream(`${api.url}/api/jobs/${accepted.job_id}/events`, {
      authorization: `Bearer ${parent.token}`,
    })
    const events = await stream.end(60_000)
    const final = events.at(-1)!
    expect(final).toMatchObject({
      event: 'completed',
      data: {
        status: 'completed',
        progress: { percent: 100, stage: 'done', chapters_total: 5, chapters_written: 5, chapters_illustrated: 5 },
      },
    })
    const stages = events.filter((e) => e.event === 'stage').map((e) => e.data.progress)
    expect(stages.map((p) => p.stage)).toContain('planning')
    expect(stages.findIndex((p) => p.stage === 'planning')).toBeLessThan(stages.findIndex((p) => p.stage === 'writing'))
    expect(numbers(events, 'chapter_written')).toEqual([1, 2, 3, 4, 5])
    expect(numbers(events, 'chapter_illustrated')).toEqual([1, 2, 3, 4, 5])
    // Together: pictures are drawn from their briefs while chapters are still being written.
    const firstDrawn = events.findIndex((e) => e.event === 'chapter_illustrated')
    const lastWritten = events.findLastIndex((e) => e.event === 'chapter_written')
    expect(firstDrawn).toBeLessThan(lastWritten)
    // Progress only grows, and written and illustrated chapters rise side by side.
    for (const key of ['percent', 'chapters_written', 'chapters_illustrated'] as const) {
      const values = stages.map((p) => p[key] as number)
      expect(values).toEqual([...values].sort((a, b) => a - b))
    }
    expect(stages.some((p) => p.chapters_written > 0 && p.chapters_written < 5 && p.chapters_illustrated > 0)).toBe(
      true,
    )

    const { json: story } = await parent.request('GET', `/api/stories/${accepted.story_id}`)
    expect(story.chapters).toHaveLength(5)
    const { rows } = await sql<{
      outline: { title: string; cast: unknown[]; chapters: Array<{ title: string }> }
    }>`select outline from stories where id = ${accepted.story_id}`.execute(db)
    const outline = rows[0]!.outline
    expect(story.title).toBe(outline.title)
    expect(story.chapters.map((c: { title: string }) => c.title)).toEqual(outline.chapters.map((c) => c.title))
    for (const chapter of story.chapters) expect(chapter.content.length).toBeGreaterThan(50)
    expect(await tallyStories(db, [accepted.story_id])).toMatchObject({ completed: 1, lost: 0, duplicated: 0 })
  }, 90_000)
})

describe('outlined stories with the openai provider against the fake server', () => {
  let fake: FakeOpenAI
  let api: Awaited<ReturnType<typeof startApi>>
  let parent: ApiClient
  let childId: string
  let db: Db

  beforeAll(async () => {
    fake = await startFakeOpenAI({ tokensPerSecond: 600, imageLatencyMs: 200 })
    const database = await createTestDatabase()
    db = database.db
    const prefix = createTestPrefix()
    const env = {
      DATABASE_URL: database.url,
      QUEUE_PREFIX: prefix,
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_API_KEY: 'test',
      GENERATION_STRATEGY: 'outline',
      TEXT_CONCURRENCY: '5',
      ...NO_LIMITS,
    }
    api = await startApi(env)
    await startWorker(env)
    parent = await new ApiClient(api.url).signUp('Outliner')
    childId = (await parent.addChild()).child.id
  }, 60_000)

  beforeEach(() => fake.reset())
  afterAll(async () => {
    await api?.stop('SIGKILL')
    await fake?.close()
  })

  it('makes one structured planning call, one streamed call per chapter and one picture per chapter', async () => {
    const { json: accepted } = await parent.requestStory(childId, 'a robot who learned to paint')
    const { final } = await parent.pollJob(accepted.job_id)
    expect(final).toMatchObject({ status: 'completed', progress: { chapters_written: 5, chapters_illustrated: 5 } })
    const plans = outlineCalls(fake.calls)
    expect(plans).toHaveLength(1)
    expect(plans[0]!.body).toMatchObject({
      response_format: { type: 'json_schema', json_schema: { name: 'story_outline' } },
    })
    expect(callsPerChapter(fake.calls)).toEqual({ 1: 1, 2: 1, 3: 1, 4: 1, 5: 1 })
    for (const { call } of chapterCalls(fake.calls)) expect(call.body).toMatchObject({ stream: true })
    expect(pictureCalls(fake.calls)).toHaveLength(5)
    // Each chapter's call carries the outline: the cast and its neighbours' synopses.
    const third = chapterCalls(fake.calls).find((c) => c.number === 3)!.call.body as {
      messages: Array<{ content: string }>
    }
    const user = third.messages[1]!.content
    expect(user).toContain('"cast"')
    expect(user).toContain('"previous"')
    expect(user).toContain('"next"')
    const chapters = await savedChapters(db, accepted.story_id)
    expect(chapters.map((c) => [c.number, c.written, c.image_status])).toEqual(
      [1, 2, 3, 4, 5].map((n) => [n, true, 'ready']),
    )
    expect(await tallyStories(db, [accepted.story_id])).toMatchObject({ completed: 1, lost: 0, duplicated: 0 })
  }, 90_000)

  it('retries a chapter whose text call failed, alone: the other chapters are written once', async () => {
    fake.configure({ failChapterNext: [3] })
    const { json: accepted } = await parent.requestStory(childId, 'a kite that wanted to fly')
    const { final } = await parent.pollJob(accepted.job_id)
    expect(final.status).toBe('completed')
    expect(callsPerChapter(fake.calls)).toEqual({ 1: 1, 2: 1, 3: 2, 4: 1, 5: 1 })
    const third = chapterCalls(fake.calls).filter((c) => c.number === 3)
    expect(third[0]!.call.fault).toBe('500')
    expect(third[1]!.call.fault).toBeUndefined()
    expect(outlineCalls(fake.calls)).toHaveLength(1)
    expect(pictureCalls(fake.calls)).toHaveLength(5)
    expect(await tallyStories(db, [accepted.story_id])).toMatchObject({ completed: 1, lost: 0, duplicated: 0 })
  }, 90_000)

  it("narrates an outlined story: each chapter's narration follows its text, and the story completes once all five are read", async () => {
    const request = await parent.request('POST', '/api/stories', {
      ...aStory(childId, 'an owl who read aloud'),
      narration: { voice: 'sage' },
    })
    expect(request.status).toBe(202)
    const accepted = request.json as { story_id: string; job_id: string }
    const { final } = await parent.pollJob(accepted.job_id)
    expect(final).toMatchObject({
      status: 'completed',
      progress: { chapters_total: 5, chapters_written: 5, chapters_illustrated: 5, chapters_narrated: 5 },
    })
    const { json: story } = await parent.request('GET', `/api/stories/${accepted.story_id}`)
    expect(story).toMatchObject({ narration_voice: 'sage', audio_status: 'ready' })
    expect(story.chapters).toHaveLength(5)
    const speech = fake.calls.flatMap((call, at) =>
      call.method === 'POST' && call.path === '/v1/audio/speech'
        ? [{ at, input: String((call.body as { input?: unknown }).input) }]
        : [],
    )
    expect(speech).toHaveLength(5)
    const texts = chapterCalls(fake.calls)
    for (const chapter of story.chapters as Array<{ number: number; title: string; audio_status: string }>) {
      expect(chapter.audio_status).toBe('ready')
      // Read once, title first, and only after its own text call was made.
      const read = speech.filter((s) => s.input.startsWith(`${chapter.title}.`))
      expect(read).toHaveLength(1)
      const written = fake.calls.indexOf(texts.find((t) => t.number === chapter.number)!.call)
      expect(read[0]!.at).toBeGreaterThan(written)
    }
    expect(outlineCalls(fake.calls)).toHaveLength(1)
    expect(await tallyStories(db, [accepted.story_id])).toMatchObject({ completed: 1, lost: 0, duplicated: 0 })
  }, 90_000)

  it("writes a chapter again, once, when it names a character the outline's cast does not have", async () => {
    fake.configure({ miscastNext: 1 })
    const { json: accepted } = await parent.requestStory(childId, 'a snail at the seaside')
    const { final } = await parent.pollJob(accepted.job_id)
    expect(final.status).toBe('completed')
    const counts = Object.values(callsPerChapter(fake.calls))
    expect(counts.sort()).toEqual([1, 1, 1, 1, 2])
    const chapters = await savedChapters(db, accepted.story_id)
    expect(chapters).toHaveLength(5)
    for (const chapter of chapters) expect(chapter.content).not.toContain('Bartholomew')
  }, 90_000)

  it('a cancel in the parallel phase reaches every call in flight and makes none after; a retry never plans again', async () => {
    fake.configure({ tokensPerSecond: 40, imageLatencyMs: 5000 })
    const { json: accepted } = await parent.requestStory(childId, 'a very long voyage')
    await waitFor(
      'chapters being written and drawn',
      async () => chapterCalls(fake.calls).length >= 3 && pictureCalls(fake.calls).length > 0,
      { timeoutMs: 30_000 },
    )
    const cancel = await parent.request('POST', `/api/stories/${accepted.story_id}/cancel`)
    expect(cancel.json.status).toBe('cancelled')
    // Calls that were already on their way may still arrive for a moment; then none at all.
    await new Promise((r) => setTimeout(r, 1000))
    const atCancel = fake.calls.length
    await new Promise((r) => setTimeout(r, 4000))
    expect(fake.calls.length).toBe(atCancel)
    expect((await parent.request('GET', `/api/jobs/${accepted.job_id}`)).json.status).toBe('cancelled')
    const unwritten = (await savedChapters(db, accepted.story_id)).filter((c) => !c.written)
    expect(unwritten.length).toBeGreaterThan(0)

    fake.configure({ tokensPerSecond: 600, imageLatencyMs: 200 })
    const retry = await parent.request('POST', `/api/stories/${accepted.story_id}/retry`)
    expect(retry.status).toBe(202)
    const { final } = await parent.pollJob(retry.json.job_id)
    expect(final).toMatchObject({ status: 'completed', progress: { chapters_written: 5, chapters_illustrated: 5 } })
    expect(outlineCalls(fake.calls)).toHaveLength(1)
    expect(await tallyStories(db, [accepted.story_id])).toMatchObject({ completed: 1, lost: 0, duplicated: 0 })
  }, 120_000)
})
