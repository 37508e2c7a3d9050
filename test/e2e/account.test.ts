import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Db, sql } from '@dreamify/db'
import { isPng, openEventStream } from '@dreamify/testkit'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient, documentedFetch } from '../support/client.ts'
import { createTestDatabase } from '../support/database.ts'
import { type Service, startApi, startWorker, waitFor } from '../support/processes.ts'
import { createTestQueues } from '../support/queues.ts'

// Two API processes (a revocation must reach the one that did not see it) and a worker.
let db: Db
let redis: Redis
let prefix: string
let apiA: string
let apiB: string
let env: Record<string, string>
let worker: Service
const scratch = mkdtempSync(join(tmpdir(), 'dreamify-export-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

beforeAll(async () => {
  const database = await createTestDatabase()
  db = database.db
  const queues = createTestQueues()
  redis = queues.redis
  prefix = queues.prefix
  env = {
    DATABASE_URL: database.url,
    QUEUE_PREFIX: prefix,
    GENERATION_PROVIDER: 'fixtures',
    FIXTURES_TEXT_MS: '3000',
    FIXTURES_IMAGE_MS: '50',
    STORY_CHAPTERS: '2',
    STORIES_IN_FLIGHT_PER_PARENT: '0',
  }
  const [a, b, w] = await Promise.all([startApi(env), startApi(env), startWorker(env)])
  apiA = a.url
  apiB = b.url
  worker = w
}, 90_000)

const PASSWORD = 'correct horse'

/** A parent signed in on API process A; `on(B)` is the same parent, same token, on process B. */
async function aParent(name: string) {
  const email = `${name.toLowerCase()}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`
  const client = new ApiClient(apiA)
  const registered = await client.request('POST', '/api/auth/register', {
    first_name: name,
    last_name: 'Test',
    email,
    password: PASSWORD,
  })
  expect(registered.status).toBe(201)
  const login = await client.request('POST', '/api/auth/login', { email, password: PASSWORD })
  client.token = login.json.access_token
  const on = (base: string) => Object.assign(new ApiClient(base), { token: client.token })
  return { client, email, parentId: registered.json.parent.id as string, on }
}

const refusedWithin5s = (client: ApiClient, what: string) =>
  waitFor(what, async () => (await client.request('GET', '/api/auth/me')).status === 401, {
    timeoutMs: 5000,
    intervalMs: 50,
  })

describe('ending a session reaches every API process', () => {
  it('refuses the access token on a second API process within 5 s of logout', async () => {
    const { client, on } = await aParent('Logout')
    const elsewhere = on(apiB)
    // Process B has seen the token and holds the session as live.
    expect((await elsewhere.request('GET', '/api/auth/me')).status).toBe(200)
    expect((await client.request('POST', '/api/auth/logout')).status).toBe(204)
    await refusedWithin5s(elsewhere, 'process B to refuse the logged-out token')
  })

  it('refuses the other sessions on a second API process within 5 s of a password change', async () => {
    const { client, email } = await aParent('Password')
    const other = new ApiClient(apiB)
    other.token = (await other.request('POST', '/api/auth/login', { email, password: PASSWORD })).json.access_token
    expect((await other.request('GET', '/api/auth/me')).status).toBe(200)
    const change = await client.request('POST', '/api/auth/password', {
      current_password: PASSWORD,
      new_password: 'another long secret',
    })
    expect(change.status).toBe(204)
    await refusedWithin5s(other, 'process B to refuse the other session')
    expect((await client.request('GET', '/api/auth/me')).status).toBe(200)
  })
})

/** A parent with a child (and its avatar) and a finished story, made by the real worker. */
async function aFamily(name: string) {
  const parent = await aParent(name)
  const { child, avatar_job_id } = await parent.client.addChild()
  await parent.client.pollJob(avatar_job_id)
  const accepted = (await parent.client.requestStory(child.id, 'a lantern in the woods')).json
  const { final } = await parent.client.pollJob(accepted.job_id)
  expect(final.status).toBe('completed')
  return {
    ...parent,
    childId: child.id,
    storyId: accepted.story_id as string,
    jobIds: [avatar_job_id, accepted.job_id],
  }
}

describe('GET /api/auth/me/export', () => {
  it('streams a zip of the JSON in the API shapes and every image it names', async () => {
    const family = await aFamily('Export')
    const response = await documentedFetch(`${apiA}/api/auth/me/export`, {
      headers: { authorization: `Bearer ${family.client.token}` },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/zip')
    const zipPath = join(scratch, 'export.zip')
    writeFileSync(zipPath, Buffer.from(await response.arrayBuffer()))
    const out = join(scratch, 'export')
    execFileSync('unzip', ['-q', '-o', zipPath, '-d', out])

    const exported = JSON.parse(readFileSync(join(out, 'dreamify-export.json'), 'utf8'))
    const me = (await family.client.request('GET', '/api/auth/me')).json.parent
    expect(exported.parent).toEqual(me)

    const apiChild = (await family.client.request('GET', `/api/children/${family.childId}`)).json.child
    expect(exported.children).toHaveLength(1)
    const { avatar_url, avatar_srcset, ...childFields } = exported.children[0]
    const { avatar_url: _signed, avatar_srcset: _sizes, ...apiChildFields } = apiChild
    expect(childFields).toEqual(apiChildFields)
    expect(avatar_url).toMatch(/^images\/[0-9a-f-]{36}\.png$/)
    // the zip keeps the originals only: the screen sizes are the API's
    expect(avatar_srcset).toBeNull()

    const apiStory = (await family.client.request('GET', `/api/stories/${family.storyId}`)).json
    expect(exported.stories).toHaveLength(1)
    const story = exported.stories[0]
    expect({ ...story, chapters: undefined }).toEqual({ ...apiStory, chapters: undefined })
    expect(story.chapters.map((c: { content: string }) => c.content)).toEqual(
      apiStory.chapters.map((c: { content: string }) => c.content),
    )
    expect(exported.jobs.map((j: { job_id: string }) => j.job_id).sort()).toEqual([...family.jobIds].sort())
    const apiJob = (await family.client.request('GET', `/api/jobs/${apiStory.job_id}`)).json
    expect(exported.jobs.find((j: { job_id: string }) => j.job_id === apiStory.job_id)).toEqual(apiJob)

    // Every image the JSON names is in the zip, as a PNG, and the zip holds nothing else.
    const named = [avatar_url, ...story.chapters.map((c: { image_url: string }) => c.image_url)]
    expect(named.every((name) => typeof name === 'string')).toBe(true)
    for (const name of named) expect(isPng(readFileSync(join(out, name)))).toBe(true)
    expect(readdirSync(join(out, 'images')).sort()).toEqual(named.map((n: string) => n.slice('images/'.length)).sort())
  })

  it('is refused without a token', async () => {
    expect((await documentedFetch(`${apiA}/api/auth/me/export`)).status).toBe(401)
  })
})

/** Every row in any table that refers to one of these parents, children, stories or jobs. */
async function rowsReferring(ids: { parentId?: string; childId?: string; storyId: string; jobIds: string[] }) {
  const { rows: columns } = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = 'public' and column_name in ('id', 'parent_id', 'child_id', 'story_id')
  `.execute(db)
  const found: string[] = []
  const values = [ids.parentId, ids.childId, ids.storyId, ...ids.jobIds].filter((id) => id !== undefined)
  for (const { table_name, column_name } of columns) {
    if (table_name === 'kysely_migration' || table_name === 'kysely_migration_lock') continue
    const { rows } = await sql<{ count: string }>`
      select count(*) as count from ${sql.table(table_name)} where ${sql.ref(column_name)}::text = any(${values})
    `.execute(db)
    if (Number(rows[0]!.count) > 0) found.push(`${table_name}.${column_name}`)
  }
  return found
}

async function redisKeysFor(needles: string[]) {
  const keys: string[] = []
  let cursor = '0'
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
    cursor = next
    keys.push(...batch.filter((key) => needles.some((needle) => key.includes(needle))))
  } while (cursor !== '0')
  return keys
}

describe('DELETE /api/auth/me', () => {
  it('cancels the story in flight, then erases every row and Redis key of the account; the email can register again', async () => {
    const family = await aFamily('Erase')
    const story = (await family.client.request('GET', `/api/stories/${family.storyId}`)).json
    const imageUrl = story.chapters[0].image_url as string
    expect((await documentedFetch(`${apiA}${imageUrl}`)).status).toBe(200)
    // A second story still being written, with its event stream open on the other process.
    const inFlight = (await family.client.requestStory(family.childId, 'a very long night')).json
    const stream = await openEventStream(`${apiB}/api/jobs/${inFlight.job_id}/events`, {
      authorization: `Bearer ${family.client.token}`,
    })
    await stream.until((events) => events.length >= 1)
    const jobIds = [...family.jobIds, inFlight.job_id]
    expect(await redisKeysFor(jobIds)).not.toEqual([])

    const wrong = await family.client.request('DELETE', '/api/auth/me', { password: 'not my password' })
    expect(wrong.status).toBe(403)
    const erased = await family.client.request('DELETE', '/api/auth/me', { password: PASSWORD })
    expect(erased.status).toBe(204)

    const ids = { parentId: family.parentId, childId: family.childId, storyId: family.storyId, jobIds }
    expect(await rowsReferring(ids)).toEqual([])
    expect(await rowsReferring({ ...ids, storyId: inFlight.story_id })).toEqual([])
    await waitFor('the open event stream to end', () => stream.isEnded(), { timeoutMs: 10_000 })
    expect((await documentedFetch(`${apiA}${imageUrl}`)).status).toBe(404)
    expect((await family.on(apiB).request('GET', '/api/children')).status).toBe(401)
    expect((await family.client.request('GET', '/api/auth/me')).status).toBe(401)
    // Whatever a worker held when it was cancelled is swept up after it lets go.
    await waitFor('no Redis key of the account', async () => (await redisKeysFor(jobIds)).length === 0, {
      timeoutMs: 30_000,
      intervalMs: 500,
    })
    // Nothing is written for the account afterwards, by the worker or anyone.
    await new Promise((r) => setTimeout(r, 3000))
    expect(await rowsReferring({ ...ids, storyId: inFlight.story_id })).toEqual([])

    const again = await new ApiClient(apiA).request('POST', '/api/auth/register', {
      first_name: 'Erase',
      last_name: 'Again',
      email: family.email,
      password: PASSWORD,
    })
    expect(again.status).toBe(201)
    expect(again.json.parent.id).not.toBe(family.parentId)
  }, 90_000)
})

describe('deleting a story or a child takes its Redis entries too', () => {
  it("DELETE /api/stories/:id cancels a running story and removes its queue entries and event stream, not the other story's", async () => {
    const family = await aFamily('Forget')
    const [avatarJobId, keptJobId] = family.jobIds as [string, string]
    const inFlight = (await family.client.requestStory(family.childId, 'a very long night')).json
    const stream = await openEventStream(`${apiB}/api/jobs/${inFlight.job_id}/events`, {
      authorization: `Bearer ${family.client.token}`,
    })
    await stream.until((events) => events.length >= 1)
    expect(await redisKeysFor([inFlight.job_id])).not.toEqual([])
    const keptEntries = [keptJobId, avatarJobId].map((jobId) => `${prefix}:events:${jobId}`)
    keptEntries.push(`${prefix}:story-text:${keptJobId}.text`, `${prefix}:avatar:${avatarJobId}`)
    expect(await redisKeysFor([keptJobId, avatarJobId])).toEqual(expect.arrayContaining(keptEntries))

    const stranger = await aParent('Stranger')
    expect((await stranger.client.request('DELETE', `/api/stories/${inFlight.story_id}`)).status).toBe(404)
    expect((await family.client.request('DELETE', `/api/stories/${inFlight.story_id}`)).status).toBe(204)
    expect((await family.client.request('DELETE', `/api/stories/${inFlight.story_id}`)).status).toBe(404)
    expect(await rowsReferring({ storyId: inFlight.story_id, jobIds: [inFlight.job_id] })).toEqual([])

    await waitFor('the open event stream to end', () => stream.isEnded(), { timeoutMs: 10_000 })
    await waitFor(
      'no Redis key of the deleted story',
      async () => (await redisKeysFor([inFlight.job_id])).length === 0,
      {
        timeoutMs: 30_000,
        intervalMs: 500,
      },
    )
    // the other story's entries stay (its pictures' variants entries may come and go meanwhile)
    expect(await redisKeysFor([keptJobId, avatarJobId])).toEqual(expect.arrayContaining(keptEntries))
    expect((await family.client.request('GET', `/api/stories/${family.storyId}`)).status).toBe(200)
  }, 60_000)

  it('sweeps what a worker held even when the API that deleted stops at once: a worker takes it', async () => {
    const family = await aParent('Rolling')
    const { child } = await family.client.addChild()
    const apiC = await startApi(env)
    const inFlight = (await family.client.requestStory(child.id, 'a very long night')).json
    // The worker is frozen while it holds one of the story's entries (its lock lasts 10 s), so the
    // API cannot remove it; the API then stops before the worker lets go.
    const lockedEntries = async () => (await redisKeysFor([inFlight.job_id])).filter((key) => key.endsWith(':lock'))
    await waitFor(
      "the worker to be frozen holding one of the story's entries",
      async () => {
        if ((await lockedEntries()).length === 0) return false
        worker.process.kill('SIGSTOP')
        if ((await lockedEntries()).length > 0) return true
        worker.process.kill('SIGCONT') // it let go just before: try again
        return false
      },
      { timeoutMs: 20_000, intervalMs: 20 },
    )
    try {
      expect((await family.on(apiC.url).request('DELETE', `/api/stories/${inFlight.story_id}`)).status).toBe(204)
      await apiC.stop('SIGTERM')
      expect(await redisKeysFor([inFlight.job_id])).not.toEqual([])
    } finally {
      worker.process.kill('SIGCONT')
    }

    await waitFor(
      'no Redis key of the deleted story',
      async () => (await redisKeysFor([inFlight.job_id])).length === 0,
      { timeoutMs: 45_000, intervalMs: 500 },
    )
  }, 90_000)

  it('DELETE /api/children/:id removes the queue entries and event streams of its avatar and its stories', async () => {
    const family = await aFamily('Orphan')
    expect(await redisKeysFor(family.jobIds)).not.toEqual([])
    expect((await family.client.request('DELETE', `/api/children/${family.childId}`)).status).toBe(204)

    expect(await rowsReferring({ childId: family.childId, storyId: family.storyId, jobIds: family.jobIds })).toEqual([])
    // a variants entry a worker holds is swept after it lets go
    await waitFor('no Redis key of the child', async () => (await redisKeysFor(family.jobIds)).length === 0, {
      timeoutMs: 30_000,
      intervalMs: 500,
    })
    expect((await family.client.request('GET', '/api/auth/me')).status).toBe(200)
  }, 60_000)
})
