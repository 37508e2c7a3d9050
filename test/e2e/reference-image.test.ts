import { createHash } from 'node:crypto'
import { type Db, sql } from '@dreamify/db'
import { type FakeOpenAI, type ImageEditBody, type RecordedCall, startFakeOpenAI } from '@dreamify/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../support/client.ts'
import { createTestDatabase } from '../support/database.ts'
import { type Service, startApi, startWorker } from '../support/processes.ts'
import { createTestPrefix } from '../support/queues.ts'

// Each chapter drawn from the child's avatar (images.edit, the avatar first), and the fallbacks to
// the description alone: real API and worker processes, the real SDK against the fake server.
let fake: FakeOpenAI
let db: Db
let worker: Service
let parent: ApiClient

beforeAll(async () => {
  // A hung avatar call stays "drawing" for the whole test that needs it.
  fake = await startFakeOpenAI({ tokensPerSecond: 0 })
  const database = await createTestDatabase()
  db = database.db
  const prefix = createTestPrefix()
  const env = {
    DATABASE_URL: database.url,
    QUEUE_PREFIX: prefix,
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_API_KEY: 'test',
    OPENAI_TIMEOUT_MS: '60000',
    STORIES_IN_FLIGHT_PER_PARENT: '0',
    STORIES_PER_DAY_PER_PARENT: '0',
  }
  const api = await startApi(env)
  worker = await startWorker(env)
  parent = await new ApiClient(api.url).signUp('Reference')
}, 60_000)

afterAll(() => fake?.close())

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
const edits = (calls: RecordedCall[]) => calls.filter((c) => c.path === '/v1/images/edits')
const generations = (calls: RecordedCall[]) => calls.filter((c) => c.path === '/v1/images/generations')

async function childWithAvatar(name: string) {
  const { child, avatar_job_id } = await parent.addChild({ name })
  const { final } = await parent.pollJob(avatar_job_id, { timeoutMs: 30_000 })
  expect(final.status).toBe('completed')
  return child.id
}

async function avatarBytes(childId: string): Promise<Buffer> {
  // the original's media object (MEDIA_STORE=postgres keeps its bytes in the record)
  const { rows } = await sql<{ bytes: Buffer }>`select media_objects.bytes from children
    join media_objects on media_objects.image_id = children.avatar_image_id and media_objects.variant = 'original'
    where children.id = ${childId}`.execute(db)
  return rows[0]!.bytes
}

/** A story to its end, with the fake's calls made meanwhile. */
async function story(childId: string, topic: string) {
  const from = fake.calls.length
  const { json: accepted } = await parent.requestStory(childId, topic)
  const { final } = await parent.pollJob(accepted.job_id, { timeoutMs: 60_000 })
  expect(final).toMatchObject({ status: 'completed', progress: { chapters_illustrated: 5 } })
  return fake.calls.slice(from)
}

describe('chapters drawn from the avatar', () => {
  it("sends the child's avatar first to images.edit for every chapter, with a prompt that says so", async () => {
    const childId = await childWithAvatar('Mia')
    const avatar = sha256(await avatarBytes(childId))
    const calls = await story(childId, 'a kite that wanted to fly')
    expect(generations(calls)).toHaveLength(0)
    const drawn = edits(calls).map((c) => c.body as ImageEditBody)
    expect(drawn).toHaveLength(5)
    for (const edit of drawn) {
      expect(edit.images[0]).toMatchObject({ sha256: avatar, contentType: 'image/png' })
      expect(edit).toMatchObject({ model: 'gpt-image-1', input_fidelity: 'high' })
      expect(edit.prompt).toMatch(/Scene: .+/)
      expect(edit.prompt).toMatch(/child in the reference image/)
      // What the provider gets is minimal: never the child's name.
      expect(edit.prompt).not.toMatch(/Mia/)
    }
  })

  it('describes the child in words while the avatar is still being drawn', async () => {
    fake.configure({ failNext: ['hang'], scope: 'images' })
    const from = fake.calls.length
    const { child } = await parent.addChild({ name: 'Noor' })
    // The avatar's call hangs at the fake: the avatar stays pending for as long as this test runs.
    await waitUntil(() => generations(fake.calls.slice(from)).some((c) => c.fault === 'hang'))
    fake.configure({ scope: 'all' })
    const calls = await story(child.id, 'a snail who raced the rain')
    expect(edits(calls)).toHaveLength(0)
    const described = generations(calls).map((c) => (c.body as { prompt: string }).prompt)
    expect(described).toHaveLength(5)
    for (const prompt of described)
      expect(prompt).toMatch(/Main character \(keep exactly this appearance\): a young girl/)
  })

  it('describes the child in words when the avatar is stale after an appearance change', async () => {
    const childId = await childWithAvatar('Ada')
    // The new avatar is refused, so the old picture (red hair) stays, but the child now has black hair.
    fake.configure({ failNext: ['refusal'], scope: 'images' })
    const { json: patched } = await parent.request('PATCH', `/api/children/${childId}`, { hair_color: 'Black' })
    const { final } = await parent.pollJob(patched.avatar_job_id, { timeoutMs: 30_000 })
    expect(final.status).toBe('failed')
    fake.configure({ scope: 'all' })
    expect(patched.child.avatar_url).not.toBeNull()
    const calls = await story(childId, 'a teapot that sang')
    expect(edits(calls)).toHaveLength(0)
    const described = generations(calls).map((c) => (c.body as { prompt: string }).prompt)
    expect(described).toHaveLength(5)
    for (const prompt of described) expect(prompt).toMatch(/black hair/)
  })

  it('describes the child in words when drawing the avatar failed', async () => {
    fake.configure({ failNext: ['refusal'], scope: 'images' })
    const { child, avatar_job_id } = await parent.addChild({ name: 'Ivo' })
    const { final } = await parent.pollJob(avatar_job_id, { timeoutMs: 30_000 })
    expect(final.status).toBe('failed')
    fake.configure({ scope: 'all' })
    const calls = await story(child.id, 'a cloud that lost its shape')
    expect(edits(calls)).toHaveLength(0)
    expect(generations(calls)).toHaveLength(5)
  })

  // Last: the worker remembers for the rest of its life that the server has no edits.
  it('falls back for good, and says so once, when the server answers 404 for edits', async () => {
    const childId = await childWithAvatar('Lou')
    fake.configure({ imageEdits: 'not_found' })
    const first = await story(childId, 'a mole who found the moon')
    const second = await story(childId, 'a goose on a bicycle')
    // The chapters that asked for an edit before the first 404 came back were drawn from the description
    // like every other; after it, none asks again.
    expect(edits(first).length).toBeGreaterThanOrEqual(1)
    expect(edits(second)).toHaveLength(0)
    expect(generations(first)).toHaveLength(5)
    expect(generations(second)).toHaveLength(5)
    const said = worker.output().match(/the image server has no image edits/g) ?? []
    expect(said).toHaveLength(1)
  })
})

async function waitUntil(condition: () => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 50))
  }
}
