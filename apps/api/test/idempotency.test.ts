import { randomUUID } from 'node:crypto'
import { type Db, sql } from '@dreamify/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { aChild, buildTestApp, expectErrorShape, signUp } from '../../../test/support/api.ts'
import { createTestDatabase } from '../../../test/support/database.ts'
import type { App } from '../src/app.ts'
import { canonicalJson, requestHash } from '../src/lib/idempotency.ts'

let app: App
let db: Db
beforeAll(async () => {
  ;({ db } = await createTestDatabase())
  // Many parents sign up from one address here; the story limits would get in the way too.
  app = await buildTestApp(db, {
    REGISTRATIONS_PER_HOUR_PER_IP: '0',
    LOGIN_ATTEMPTS_PER_15_MIN: '0',
    STORIES_IN_FLIGHT_PER_PARENT: '0',
    STORIES_PER_DAY_PER_PARENT: '0',
  })
})
afterAll(() => app?.close())

type Headers = Record<string, string>
type Parent = Awaited<ReturnType<typeof signUp>>

const postChild = (headers: Headers, key: string | undefined, payload: object = aChild) =>
  app.inject({
    method: 'POST',
    url: '/api/children',
    headers: { ...headers, ...(key === undefined ? {} : { 'idempotency-key': key }) },
    payload,
  })
const postStory = (headers: Headers, key: string | undefined, payload: object) =>
  app.inject({
    method: 'POST',
    url: '/api/stories',
    headers: { ...headers, ...(key === undefined ? {} : { 'idempotency-key': key }) },
    payload,
  })

const countChildren = async (parentId: string) =>
  Number(
    (
      await db
        .selectFrom('children')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('parent_id', '=', parentId)
        .executeTakeFirstOrThrow()
    ).n,
  )
const countStories = async (parentId: string) =>
  Number(
    (
      await db
        .selectFrom('stories')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('parent_id', '=', parentId)
        .executeTakeFirstOrThrow()
    ).n,
  )
const countJobs = async (parentId: string) =>
  Number(
    (
      await db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('parent_id', '=', parentId)
        .executeTakeFirstOrThrow()
    ).n,
  )

async function parentWithChild(name: string): Promise<Parent & { childId: string }> {
  const parent = await signUp(app, name)
  const created = await postChild(parent.headers, undefined)
  if (created.statusCode !== 201) throw new Error(`create child: ${created.body}`)
  return { ...parent, childId: created.json().child.id }
}

const aStory = (childId: string) => ({
  child_id: childId,
  topic: 'a lost red balloon',
  story_genre: 'Adventure',
  image_style: 'Watercolor',
})

describe('Idempotency-Key on POST /api/children', () => {
  it('answers a repeat with the same key and body with the first response, creating one child and one avatar job', async () => {
    const { headers, parentId } = await signUp(app, 'ChildOnce')
    const key = randomUUID()
    const first = await postChild(headers, key)
    expect(first.statusCode).toBe(201)
    expect(first.headers['idempotent-replayed']).toBeUndefined()

    // Key order in the body does not matter: the hash is over canonical JSON.
    const reordered = Object.fromEntries(Object.entries(aChild).reverse())
    const again = await postChild(headers, key, reordered)
    expect(again.statusCode).toBe(201)
    expect(again.json()).toEqual(first.json())
    expect(again.headers['idempotent-replayed']).toBe('true')

    expect(await countChildren(parentId)).toBe(1)
    expect(await countJobs(parentId)).toBe(1)
    const row = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('parent_id', '=', parentId)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ key, route: 'POST /children', response_status: 201, response_body: first.json() })
    expect(row.expires_at.getTime() - row.created_at.getTime()).toBe(24 * 3600 * 1000)

    // Without a key, every request creates.
    expect((await postChild(headers, undefined)).statusCode).toBe(201)
    expect((await postChild(headers, undefined)).statusCode).toBe(201)
    expect(await countChildren(parentId)).toBe(3)
  })

  it('answers 422 IDEMPOTENCY_KEY_REUSED for the same key with a different body, creating nothing', async () => {
    const { headers, parentId } = await signUp(app, 'ChildReuse')
    const key = randomUUID()
    expect((await postChild(headers, key)).statusCode).toBe(201)
    const other = await postChild(headers, key, { ...aChild, name: 'Noah' })
    expectErrorShape(other.json(), 422, 'IDEMPOTENCY_KEY_REUSED')
    expect(await countChildren(parentId)).toBe(1)
  })

  it('answers 409 IDEMPOTENCY_IN_FLIGHT while the first request with the key is still running', async () => {
    const { headers, parentId } = await signUp(app, 'ChildInFlight')
    const key = randomUUID()
    await db
      .insertInto('idempotency_keys')
      .values({
        parent_id: parentId,
        key,
        route: 'POST /children',
        request_hash: requestHash('POST /children', aChild),
        expires_at: new Date(Date.now() + 3600_000),
      })
      .execute()
    const response = await postChild(headers, key)
    expectErrorShape(response.json(), 409, 'IDEMPOTENCY_IN_FLIGHT')
    expect(response.headers['retry-after']).toBe('1')
    expect(await countChildren(parentId)).toBe(0)
    // The other request's reservation is left alone.
    const row = await db
      .selectFrom('idempotency_keys')
      .select('response_status')
      .where('parent_id', '=', parentId)
      .where('key', '=', key)
      .executeTakeFirst()
    expect(row).toEqual({ response_status: null })
  })

  it('takes over a reservation abandoned by a process that died mid-request', async () => {
    const { headers, parentId } = await signUp(app, 'ChildAbandoned')
    const key = randomUUID()
    await db
      .insertInto('idempotency_keys')
      .values({
        parent_id: parentId,
        key,
        route: 'POST /children',
        request_hash: requestHash('POST /children', aChild),
        expires_at: new Date(Date.now() + 3600_000),
      })
      .execute()
    await sql`update idempotency_keys set created_at = now() - interval '10 minutes' where parent_id = ${parentId}`.execute(
      db,
    )
    expect((await postChild(headers, key)).statusCode).toBe(201)
    expect(await countChildren(parentId)).toBe(1)
  })

  it('keeps keys per parent: two parents may use the same key independently', async () => {
    const one = await signUp(app, 'KeyOne')
    const two = await signUp(app, 'KeyTwo')
    const key = 'shared-key-123'
    const first = await postChild(one.headers, key)
    const second = await postChild(two.headers, key, { ...aChild, name: 'Theo' })
    expect(first.statusCode).toBe(201)
    expect(second.statusCode).toBe(201)
    expect(second.json().child.name).toBe('Theo')
    expect(second.json().child.id).not.toBe(first.json().child.id)
    expect(await countChildren(one.parentId)).toBe(1)
    expect(await countChildren(two.parentId)).toBe(1)
  })

  it('lets an expired key be used again (and deletes the expired row)', async () => {
    const { headers, parentId } = await signUp(app, 'ChildExpired')
    const key = randomUUID()
    const first = await postChild(headers, key)
    await db
      .updateTable('idempotency_keys')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('parent_id', '=', parentId)
      .execute()
    // Another parent's expired rows are not this request's business.
    const other = await signUp(app, 'ChildExpiredOther')
    await postChild(other.headers, 'left-over')
    await db
      .updateTable('idempotency_keys')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('parent_id', '=', other.parentId)
      .execute()

    const again = await postChild(headers, key, { ...aChild, name: 'Ava' })
    expect(again.statusCode).toBe(201)
    expect(again.json().child.id).not.toBe(first.json().child.id)
    expect(await countChildren(parentId)).toBe(2)
    const rows = await db
      .selectFrom('idempotency_keys')
      .select(['parent_id', 'response_status'])
      .where('key', 'in', [key, 'left-over'])
      .execute()
    expect(rows).toEqual(
      expect.arrayContaining([
        { parent_id: parentId, response_status: 201 },
        { parent_id: other.parentId, response_status: 201 },
      ]),
    )
    expect(rows).toHaveLength(2)
  })

  it.each([
    ['an empty key', ''],
    ['a key over 255 characters', 'k'.repeat(256)],
    ['a key with a non-ASCII character', 'clé-1'],
    ['a key with a control character', 'key\u0001one'],
  ])('rejects %s with 400 naming the header', async (_case, key) => {
    const { headers, parentId } = await signUp(app, 'BadKey')
    const response = await postChild(headers, key)
    const error = expectErrorShape(response.json(), 400, 'VALIDATION_FAILED')
    expect(error.message).toContain('headers.idempotency-key')
    expect(await countChildren(parentId)).toBe(0)
  })

  it('accepts a key of exactly 255 printable characters', async () => {
    const { headers } = await signUp(app, 'LongKey')
    const key = `${'~ !'.repeat(85)}`
    expect(key).toHaveLength(255)
    expect((await postChild(headers, key)).statusCode).toBe(201)
    expect((await postChild(headers, key)).headers['idempotent-replayed']).toBe('true')
  })

  it('does not use the key up when the first request fails validation', async () => {
    const { headers, parentId } = await signUp(app, 'ChildInvalid')
    const key = randomUUID()
    expectErrorShape(
      (await postChild(headers, key, { ...aChild, eye_color: 'Purple' })).json(),
      400,
      'VALIDATION_FAILED',
    )
    expect((await postChild(headers, key)).statusCode).toBe(201)
    expect(await countChildren(parentId)).toBe(1)
  })
})

describe('Idempotency-Key on POST /api/stories', () => {
  it('answers a repeat with the same status, body and Location, creating one story and one job', async () => {
    const { headers, parentId, childId } = await parentWithChild('StoryOnce')
    const key = randomUUID()
    const first = await postStory(headers, key, aStory(childId))
    expect(first.statusCode).toBe(202)
    const again = await postStory(headers, key, aStory(childId))
    expect(again.statusCode).toBe(202)
    expect(again.json()).toEqual(first.json())
    expect(again.headers.location).toBe(`/api/jobs/${first.json().job_id}`)
    expect(first.headers.location).toBe(again.headers.location)
    expect(await countStories(parentId)).toBe(1)
    // One avatar job (the child's) and one story job.
    expect(await countJobs(parentId)).toBe(2)
  })

  it('answers 422 for the same key with a different body, and 422 for a key first used on another route', async () => {
    const { headers, parentId, childId } = await parentWithChild('StoryReuse')
    const key = randomUUID()
    expect((await postStory(headers, key, aStory(childId))).statusCode).toBe(202)
    expectErrorShape(
      (await postStory(headers, key, { ...aStory(childId), topic: 'dragons' })).json(),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    )
    // Keys are per parent, not per route: the children route cannot replay a story's answer.
    expectErrorShape((await postChild(headers, key)).json(), 422, 'IDEMPOTENCY_KEY_REUSED')
    expect(await countStories(parentId)).toBe(1)
  })

  it('answers 409 while the first request is in flight', async () => {
    const { headers, parentId, childId } = await parentWithChild('StoryInFlight')
    const key = randomUUID()
    await db
      .insertInto('idempotency_keys')
      .values({
        parent_id: parentId,
        key,
        route: 'POST /stories',
        request_hash: requestHash('POST /stories', aStory(childId)),
        expires_at: new Date(Date.now() + 3600_000),
      })
      .execute()
    expectErrorShape((await postStory(headers, key, aStory(childId))).json(), 409, 'IDEMPOTENCY_IN_FLIGHT')
    expect(await countStories(parentId)).toBe(0)
  })

  it('does not let a failed first request (404 child) block a corrected retry with the same key', async () => {
    const { headers, parentId, childId } = await parentWithChild('StoryRetry')
    const key = randomUUID()
    const missing = await postStory(headers, key, aStory(randomUUID()))
    expectErrorShape(missing.json(), 404, 'NOT_FOUND')
    expect(await db.selectFrom('idempotency_keys').selectAll().where('parent_id', '=', parentId).execute()).toEqual([])
    // The same failed request again is not a replay of the failure either.
    expectErrorShape((await postStory(headers, key, aStory(randomUUID()))).json(), 404, 'NOT_FOUND')

    const corrected = await postStory(headers, key, aStory(childId))
    expect(corrected.statusCode).toBe(202)
    const replay = await postStory(headers, key, aStory(childId))
    expect(replay.json()).toEqual(corrected.json())
    expect(await countStories(parentId)).toBe(1)
  })

  it("keeps keys per parent, and another parent's key cannot replay this parent's story", async () => {
    const one = await parentWithChild('StoryKeyOne')
    const two = await parentWithChild('StoryKeyTwo')
    const key = 'same-key'
    const first = await postStory(one.headers, key, aStory(one.childId))
    // Same key, same body (one's child) from two: not a replay; two does not own the child.
    expectErrorShape((await postStory(two.headers, key, aStory(one.childId))).json(), 404, 'NOT_FOUND')
    const second = await postStory(two.headers, key, aStory(two.childId))
    expect(second.statusCode).toBe(202)
    expect(second.json().story_id).not.toBe(first.json().story_id)
    expect(await countStories(one.parentId)).toBe(1)
    expect(await countStories(two.parentId)).toBe(1)
  })

  it('lets an expired key create a new story', async () => {
    const { headers, parentId, childId } = await parentWithChild('StoryExpired')
    const key = randomUUID()
    const first = await postStory(headers, key, aStory(childId))
    await db
      .updateTable('idempotency_keys')
      .set({ expires_at: new Date(Date.now() - 1) })
      .where('parent_id', '=', parentId)
      .execute()
    const again = await postStory(headers, key, aStory(childId))
    expect(again.statusCode).toBe(202)
    expect(again.json().story_id).not.toBe(first.json().story_id)
    expect(await countStories(parentId)).toBe(2)
  })

  it('rejects an invalid key with 400 before doing anything', async () => {
    const { headers, parentId, childId } = await parentWithChild('StoryBadKey')
    const error = expectErrorShape(
      (await postStory(headers, 'x'.repeat(300), aStory(childId))).json(),
      400,
      'VALIDATION_FAILED',
    )
    expect(error.message).toMatch(/^headers\.idempotency-key /)
    expect(await countStories(parentId)).toBe(0)
  })

  it('documents the header in OpenAPI for both routes', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json()
    for (const path of ['/api/children', '/api/stories']) {
      const parameter = spec.paths[path].post.parameters.find((p: { name: string }) => p.name === 'idempotency-key')
      expect(parameter, path).toMatchObject({ in: 'header', required: false })
      expect(parameter.description).toContain('24 h')
    }
  })
})

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    )
    expect(requestHash('POST /x', { a: 1, b: 2 })).toBe(requestHash('POST /x', { b: 2, a: 1 }))
    expect(requestHash('POST /x', { a: 1 })).not.toBe(requestHash('POST /y', { a: 1 }))
  })
})
