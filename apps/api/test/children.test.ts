import { randomUUID } from 'node:crypto'
import { AGE_RANGES, EYE_COLORS, HAIR_COLORS, HAIR_TYPES, SEXES } from '@dreamify/core'
import type { Db } from '@dreamify/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { aChild, buildTestApp, expectErrorShape, signUp } from '../../../test/support/api.ts'
import { createTestDatabase } from '../../../test/support/database.ts'
import { storeTestImage } from '../../../test/support/images.ts'
import type { App } from '../src/app.ts'

let app: App
let db: Db
beforeAll(async () => {
  ;({ db } = await createTestDatabase())
  app = await buildTestApp(db)
})
afterAll(() => app?.close())

type Headers = Record<string, string>

const create = (headers: Headers, payload: unknown) =>
  app.inject({ method: 'POST', url: '/api/children', headers, payload: payload as object })
const list = (headers: Headers) => app.inject({ method: 'GET', url: '/api/children', headers })
const show = (headers: Headers, id: string) => app.inject({ method: 'GET', url: `/api/children/${id}`, headers })
const patch = (headers: Headers, id: string, payload: unknown) =>
  app.inject({ method: 'PATCH', url: `/api/children/${id}`, headers, payload: payload as object })
const remove = (headers: Headers, id: string) => app.inject({ method: 'DELETE', url: `/api/children/${id}`, headers })

async function createChild(headers: Headers, changes: Record<string, unknown> = {}) {
  const response = await create(headers, { ...aChild, ...changes })
  if (response.statusCode !== 201) throw new Error(`create failed: ${response.body}`)
  return response.json().child as Record<string, unknown> & { id: string; updated_at: string; created_at: string }
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

describe('POST /api/children', () => {
  it('creates a child and answers 201 with the child and the avatar job id', async () => {
    const { headers, parentId } = await signUp(app, 'Create')
    const response = await create(headers, aChild)
    expect(response.statusCode).toBe(201)
    const body = response.json()
    expect(Object.keys(body).sort()).toEqual(['avatar_job_id', 'child'])
    // Creating a child starts drawing its avatar: the answer names the job, which the parent owns.
    expect(body.avatar_job_id).toEqual(expect.any(String))
    const job = await db
      .selectFrom('jobs')
      .select(['kind', 'child_id', 'parent_id'])
      .where('id', '=', body.avatar_job_id)
      .executeTakeFirst()
    expect(job).toEqual({ kind: 'avatar', child_id: body.child.id, parent_id: parentId })
    expect(body.child).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ...aChild,
      language: null,
      avatar_url: null,
      avatar_srcset: null,
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
    })
    expect(body.child).not.toHaveProperty('parent_id')
    expect(body.child).not.toHaveProperty('avatar_image_id')
  })

  it('accepts the optional fields as null or absent, storing null', async () => {
    const { headers } = await signUp(app, 'Optional')
    const { fav_animals: _a, fav_activities: _b, fav_shows: _c, ...required } = aChild
    const absent = await create(headers, required)
    expect(absent.statusCode).toBe(201)
    expect(absent.json().child).toMatchObject({ fav_animals: null, fav_activities: null, fav_shows: null })
    const nulls = await create(headers, { ...required, fav_animals: null, fav_activities: null, fav_shows: null })
    expect(nulls.statusCode).toBe(201)
    expect(nulls.json().child).toMatchObject({ fav_animals: null, fav_activities: null, fav_shows: null })
  })

  it('trims text fields and accepts values exactly at the length limits', async () => {
    const { headers } = await signUp(app, 'Limits')
    const child = await createChild(headers, {
      name: '  Mia  ',
      ethnicity: 'e'.repeat(50),
      fav_animals: 'a'.repeat(200),
      fav_activities: 'b'.repeat(200),
      fav_shows: 'c'.repeat(200),
    })
    expect(child.name).toBe('Mia')
    const longName = await createChild(headers, { name: 'n'.repeat(50) })
    expect(longName.name).toBe('n'.repeat(50))
    expect(child.ethnicity).toBe('e'.repeat(50))
    expect(child.fav_shows).toBe('c'.repeat(200))
  })

  it('accepts every allowed value of every enum', async () => {
    const { headers } = await signUp(app, 'Enums')
    const lists = {
      age_range: AGE_RANGES,
      sex: SEXES,
      eye_color: EYE_COLORS,
      hair_type: HAIR_TYPES,
      hair_color: HAIR_COLORS,
    }
    for (const [field, values] of Object.entries(lists)) {
      for (const value of values) {
        const response = await create(headers, { ...aChild, [field]: value })
        expect(response.statusCode, `${field}=${value}`).toBe(201)
        expect(response.json().child[field]).toBe(value)
      }
    }
  })

  it('ignores unknown body fields, including attempts to set the owner, id or avatar', async () => {
    const owner = await signUp(app, 'Owner')
    const other = await signUp(app, 'Intruder')
    const forcedId = randomUUID()
    const response = await create(owner.headers, {
      ...aChild,
      id: forcedId,
      parent_id: other.parentId,
      avatar_image_id: randomUUID(),
      favourite_colour: 'blue',
    })
    expect(response.statusCode).toBe(201)
    const { child } = response.json()
    expect(child.id).not.toBe(forcedId)
    expect(child).not.toHaveProperty('favourite_colour')
    expect(child.avatar_url).toBeNull()
    const row = await db
      .selectFrom('children')
      .select(['parent_id', 'avatar_image_id'])
      .where('id', '=', child.id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ parent_id: owner.parentId, avatar_image_id: null })
    expect((await list(other.headers)).json().children).toEqual([])
  })

  const enumMessage = (field: string, values: readonly string[]) => `body.${field} must be one of: ${values.join(', ')}`

  it.each([
    // missing required fields
    ['a missing name', { name: undefined }, 'body.name is required'],
    ['a missing age_range', { age_range: undefined }, 'body.age_range is required'],
    ['a missing sex', { sex: undefined }, 'body.sex is required'],
    ['a missing eye_color', { eye_color: undefined }, 'body.eye_color is required'],
    ['a missing hair_type', { hair_type: undefined }, 'body.hair_type is required'],
    ['a missing hair_color', { hair_color: undefined }, 'body.hair_color is required'],
    ['a missing ethnicity', { ethnicity: undefined }, 'body.ethnicity is required'],
    // wrong types: bodies are not coerced
    ['a number for name', { name: 7 }, 'body.name must be string'],
    ['a number for ethnicity', { ethnicity: 42 }, 'body.ethnicity must be string'],
    ['a boolean for name', { name: true }, 'body.name must be string'],
    ['an array for name', { name: ['Mia'] }, 'body.name must be string'],
    ['a number for fav_animals', { fav_animals: 3 }, 'body.fav_animals must be string'],
    ['an object for fav_shows', { fav_shows: { title: 'x' } }, 'body.fav_shows must be string'],
    ['a number for an enum', { age_range: 4 }, enumMessage('age_range', AGE_RANGES)],
    // null on required fields
    ['null name', { name: null }, 'body.name must be string'],
    ['null ethnicity', { ethnicity: null }, 'body.ethnicity must be string'],
    ['null sex', { sex: null }, enumMessage('sex', SEXES)],
    // blank strings
    ['an empty name', { name: '' }, 'body.name must NOT have fewer than 1 characters'],
    ['a blank name', { name: '   ' }, 'body.name must not be blank'],
    ['a blank ethnicity', { ethnicity: ' \t ' }, 'body.ethnicity must not be blank'],
    ['a blank fav_animals', { fav_animals: '  ' }, 'body.fav_animals must not be blank'],
    ['an empty fav_activities', { fav_activities: '' }, 'body.fav_activities must NOT have fewer than 1 characters'],
    // unknown enum values
    ['an unknown age_range', { age_range: '14-18' }, enumMessage('age_range', AGE_RANGES)],
    ['an unknown sex', { sex: 'Other' }, enumMessage('sex', SEXES)],
    ['an unknown eye_color', { eye_color: 'Purple' }, enumMessage('eye_color', EYE_COLORS)],
    ['an unknown hair_type', { hair_type: 'Spiky' }, enumMessage('hair_type', HAIR_TYPES)],
    ['an unknown hair_color', { hair_color: 'Blue' }, enumMessage('hair_color', HAIR_COLORS)],
    ['an enum value in the wrong case', { sex: 'female' }, enumMessage('sex', SEXES)],
    // length limits
    ['a name over 50 characters', { name: 'x'.repeat(51) }, 'body.name must NOT have more than 50 characters'],
    [
      'an ethnicity over 50 characters',
      { ethnicity: 'x'.repeat(51) },
      'body.ethnicity must NOT have more than 50 characters',
    ],
    [
      'fav_animals over 200 characters',
      { fav_animals: 'x'.repeat(201) },
      'body.fav_animals must NOT have more than 200 characters',
    ],
    [
      'fav_activities over 200 characters',
      { fav_activities: 'x'.repeat(201) },
      'body.fav_activities must NOT have more than 200 characters',
    ],
    [
      'fav_shows over 200 characters',
      { fav_shows: 'x'.repeat(201) },
      'body.fav_shows must NOT have more than 200 characters',
    ],
  ])('rejects %s with 400 naming the field and the rule', async (_case, change, message) => {
    const { headers } = await signUp(app, 'Invalid')
    const response = await create(headers, { ...aChild, ...change })
    expect(response.statusCode).toBe(400)
    expect(expectErrorShape(response.json(), 400, 'VALIDATION_FAILED').message).toBe(message)
    expect((await list(headers)).json().children).toEqual([])
  })

  it('rejects a body that is not an object, and broken JSON', async () => {
    const { headers } = await signUp(app, 'Shapes')
    const array = await create(headers, [aChild])
    expect(expectErrorShape(array.json(), 400, 'VALIDATION_FAILED').message).toBe('body must be object')
    const broken = await app.inject({
      method: 'POST',
      url: '/api/children',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: '{"name":',
    })
    expectErrorShape(broken.json(), 400, 'INVALID_JSON')
  })
})

describe('GET /api/children', () => {
  it("lists only the parent's own children, oldest first", async () => {
    const { headers } = await signUp(app, 'Lister')
    expect((await list(headers)).json()).toEqual({ children: [] })
    const first = await createChild(headers, { name: 'Zoe' })
    const second = await createChild(headers, { name: 'Adam' })
    const third = await createChild(headers, { name: 'Mia' })
    const other = await signUp(app, 'Neighbour')
    await createChild(other.headers, { name: 'Other' })

    const response = await list(headers)
    expect(response.statusCode).toBe(200)
    const { children } = response.json()
    expect(children).toEqual([first, second, third])
    expect(children.map((c: { name: string }) => c.name)).toEqual(['Zoe', 'Adam', 'Mia'])
  })
})

describe('GET /api/children/:child_id', () => {
  it('returns the child', async () => {
    const { headers } = await signUp(app, 'Getter')
    const child = await createChild(headers)
    const response = await show(headers, child.id)
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ child })
  })

  it('answers 404 for an id that does not exist', async () => {
    const { headers } = await signUp(app, 'Missing')
    const response = await show(headers, randomUUID())
    expect(expectErrorShape(response.json(), 404, 'NOT_FOUND').message).toBe('child not found')
  })

  it('shows the avatar as a signed URL once the child has one', async () => {
    const { headers, parentId } = await signUp(app, 'Avatar')
    const child = await createChild(headers)
    const image = await storeTestImage(db, {
      parent_id: parentId,
      child_id: child.id,
      story_id: null,
      content_type: 'image/png',
      bytes: Buffer.from('png'),
    })
    await db.updateTable('children').set({ avatar_image_id: image.id }).where('id', '=', child.id).execute()
    const { child: shown } = (await show(headers, child.id)).json()
    expect(shown.avatar_url).toMatch(
      new RegExp(`^/api/media/images%2F${image.id}%2Foriginal.png\\?expires=\\d+&sig=[\\w-]+$`),
    )
  })
})

describe('PATCH /api/children/:child_id', () => {
  it('changes only the fields sent, and moves updated_at', async () => {
    const { headers } = await signUp(app, 'Patcher')
    const child = await createChild(headers)
    await new Promise((resolve) => setTimeout(resolve, 20))
    const response = await patch(headers, child.id, { name: '  Mila ', fav_shows: 'Bluey' })
    expect(response.statusCode).toBe(200)
    const body = response.json()
    // Only appearance changes draw a new avatar.
    expect(body).toHaveProperty('avatar_job_id', null)
    expect(Object.keys(body).sort()).toEqual(['avatar_job_id', 'child'])
    expect(body.child).toEqual({ ...child, name: 'Mila', fav_shows: 'Bluey', updated_at: expect.stringMatching(ISO) })
    expect(Date.parse(body.child.updated_at)).toBeGreaterThan(Date.parse(child.updated_at))
    expect(body.child.created_at).toBe(child.created_at)
    // The change is stored, not just echoed.
    expect((await show(headers, child.id)).json()).toEqual({ child: body.child })
  })

  it('changes an appearance field and starts drawing a new avatar', async () => {
    const { headers } = await signUp(app, 'Appearance')
    const created = await create(headers, aChild)
    const { child, avatar_job_id: firstJob } = created.json()
    const response = await patch(headers, child.id, { hair_color: 'Black', eye_color: 'Brown' })
    expect(response.statusCode).toBe(200)
    const body = response.json()
    expect(body.child).toMatchObject({
      hair_color: 'Black',
      eye_color: 'Brown',
      name: child.name,
      hair_type: child.hair_type,
    })
    expect(body.avatar_job_id).toEqual(expect.any(String))
    expect(body.avatar_job_id).not.toBe(firstJob)
    const job = await db
      .selectFrom('jobs')
      .select(['kind', 'child_id'])
      .where('id', '=', body.avatar_job_id)
      .executeTakeFirst()
    expect(job).toEqual({ kind: 'avatar', child_id: child.id })
  })

  it('clears optional fields sent as null', async () => {
    const { headers } = await signUp(app, 'Clearer')
    const child = await createChild(headers, { fav_shows: 'Bluey' })
    const response = await patch(headers, child.id, { fav_animals: null, fav_shows: null })
    expect(response.statusCode).toBe(200)
    expect(response.json().child).toMatchObject({
      fav_animals: null,
      fav_shows: null,
      fav_activities: child.fav_activities,
    })
  })

  it('answers 400 EMPTY_UPDATE for an empty body, or one holding only unknown fields', async () => {
    const { headers } = await signUp(app, 'Empty')
    const child = await createChild(headers)
    for (const payload of [{}, { nickname: 'Mimi', parent_id: randomUUID() }]) {
      const response = await patch(headers, child.id, payload)
      const error = expectErrorShape(response.json(), 400, 'EMPTY_UPDATE')
      expect(error.message).toBe(
        'body must contain at least one of: name, age_range, sex, eye_color, hair_type, hair_color, ethnicity, fav_animals, fav_activities, fav_shows, language',
      )
    }
    expect((await show(headers, child.id)).json().child).toEqual(child)
  })

  it('ignores unknown fields next to known ones', async () => {
    const { headers, parentId } = await signUp(app, 'Extra')
    const other = await signUp(app, 'ExtraOther')
    const child = await createChild(headers)
    const response = await patch(headers, child.id, {
      name: 'Noa',
      parent_id: other.parentId,
      created_at: '2000-01-01T00:00:00Z',
    })
    expect(response.statusCode).toBe(200)
    expect(response.json().child).toMatchObject({ name: 'Noa', created_at: child.created_at })
    const row = await db.selectFrom('children').select('parent_id').where('id', '=', child.id).executeTakeFirstOrThrow()
    expect(row.parent_id).toBe(parentId)
  })

  it.each([
    ['null on name', { name: null }, 'body.name must be string'],
    ['null on ethnicity', { ethnicity: null }, 'body.ethnicity must be string'],
    ['null on hair_color', { hair_color: null }, `body.hair_color must be one of: ${HAIR_COLORS.join(', ')}`],
    ['a number for name', { name: 7 }, 'body.name must be string'],
    ['a blank name', { name: '  ' }, 'body.name must not be blank'],
    ['a blank fav_shows', { fav_shows: ' ' }, 'body.fav_shows must not be blank'],
    ['an unknown sex', { sex: 'Robot' }, `body.sex must be one of: ${SEXES.join(', ')}`],
    ['a name over 50 characters', { name: 'x'.repeat(51) }, 'body.name must NOT have more than 50 characters'],
    [
      'fav_activities over 200 characters',
      { fav_activities: 'x'.repeat(201) },
      'body.fav_activities must NOT have more than 200 characters',
    ],
  ])('rejects %s with 400 and changes nothing', async (_case, payload, message) => {
    const { headers } = await signUp(app, 'BadPatch')
    const child = await createChild(headers)
    const response = await patch(headers, child.id, payload)
    expect(expectErrorShape(response.json(), 400, 'VALIDATION_FAILED').message).toBe(message)
    expect((await show(headers, child.id)).json().child).toEqual(child)
  })

  it('answers 404 for an id that does not exist', async () => {
    const { headers } = await signUp(app, 'PatchMissing')
    const response = await patch(headers, randomUUID(), { name: 'Ghost' })
    expect(expectErrorShape(response.json(), 404, 'NOT_FOUND').message).toBe('child not found')
  })
})

describe('DELETE /api/children/:child_id', () => {
  it('answers 204 with no body, then 404', async () => {
    const { headers } = await signUp(app, 'Deleter')
    const child = await createChild(headers)
    const keep = await createChild(headers, { name: 'Keep' })
    const response = await remove(headers, child.id)
    expect(response.statusCode).toBe(204)
    expect(response.body).toBe('')
    expectErrorShape((await show(headers, child.id)).json(), 404, 'NOT_FOUND')
    expectErrorShape((await remove(headers, child.id)).json(), 404, 'NOT_FOUND')
    expectErrorShape((await patch(headers, child.id, { name: 'Back' })).json(), 404, 'NOT_FOUND')
    expect((await list(headers)).json().children).toEqual([keep])
  })

  it("removes the child's stories, chapters, images and jobs, and nothing of another child", async () => {
    const { headers, parentId } = await signUp(app, 'Cascade')
    const child = await createChild(headers)
    const sibling = await createChild(headers, { name: 'Sibling' })

    async function seed(childId: string) {
      const story = await db
        .insertInto('stories')
        .values({
          parent_id: parentId,
          child_id: childId,
          topic: 'the sea',
          story_genre: 'Adventure',
          image_style: 'Watercolor',
          chapters_total: 2,
          title: 'Waves',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      const image = await storeTestImage(db, {
        parent_id: parentId,
        child_id: childId,
        story_id: story.id,
        content_type: 'image/png',
        bytes: Buffer.from([1, 2, 3]),
      })
      const avatar = await storeTestImage(db, {
        parent_id: parentId,
        child_id: childId,
        story_id: null,
        content_type: 'image/webp',
        bytes: Buffer.from([4]),
      })
      await db.updateTable('children').set({ avatar_image_id: avatar.id }).where('id', '=', childId).execute()
      await db
        .insertInto('chapters')
        .values([
          {
            story_id: story.id,
            number: 1,
            title: 'One',
            content: 'Once upon a time',
            image_id: image.id,
            image_status: 'ready',
          },
          { story_id: story.id, number: 2, title: 'Two', content: 'The end' },
        ])
        .execute()
      await db
        .insertInto('jobs')
        .values({ id: `story-${randomUUID()}`, parent_id: parentId, kind: 'story', story_id: story.id })
        .execute()
      await db
        .insertInto('jobs')
        .values({ id: `avatar-${randomUUID()}`, parent_id: parentId, kind: 'avatar', child_id: childId })
        .execute()
      return story.id
    }
    const storyId = await seed(child.id)
    const siblingStoryId = await seed(sibling.id)

    async function counts(childId: string, story: string) {
      const count = async (query: Promise<{ n: string | number | bigint }>) => Number((await query).n)
      return {
        children: await count(
          db
            .selectFrom('children')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('id', '=', childId)
            .executeTakeFirstOrThrow(),
        ),
        stories: await count(
          db
            .selectFrom('stories')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('child_id', '=', childId)
            .executeTakeFirstOrThrow(),
        ),
        chapters: await count(
          db
            .selectFrom('chapters')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('story_id', '=', story)
            .executeTakeFirstOrThrow(),
        ),
        images: await count(
          db
            .selectFrom('images')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('child_id', '=', childId)
            .executeTakeFirstOrThrow(),
        ),
        jobs: await count(
          db
            .selectFrom('jobs')
            .select((eb) => eb.fn.countAll().as('n'))
            .where((eb) => eb.or([eb('child_id', '=', childId), eb('story_id', '=', story)]))
            .executeTakeFirstOrThrow(),
        ),
      }
    }
    // The jobs also hold the avatar job the API queued when the child was created.
    const seeded = { children: 1, stories: 1, chapters: 2, images: 2, jobs: expect.toSatisfy((n: number) => n >= 2) }
    expect(await counts(child.id, storyId)).toEqual(seeded)
    const siblingBefore = await counts(sibling.id, siblingStoryId)
    expect(siblingBefore).toEqual(seeded)

    expect((await remove(headers, child.id)).statusCode).toBe(204)
    expect(await counts(child.id, storyId)).toEqual({ children: 0, stories: 0, chapters: 0, images: 0, jobs: 0 })
    expect(await counts(sibling.id, siblingStoryId)).toEqual(siblingBefore)
    expect((await show(headers, sibling.id)).statusCode).toBe(200)
  })
})

describe('malformed ids', () => {
  it.each(['not-a-uuid', '123', `${randomUUID()}x`, "1' or '1'='1"])(
    'answers 400 INVALID_ID naming params.child_id for %j on every id route',
    async (id) => {
      const { headers } = await signUp(app, 'BadId')
      const url = `/api/children/${encodeURIComponent(id)}`
      for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
        const response = await app.inject({
          method,
          url,
          headers,
          ...(method === 'PATCH' ? { payload: { name: 'X' } } : {}),
        })
        const error = expectErrorShape(response.json(), 400, 'INVALID_ID')
        expect(error.message, method).toBe('params.child_id must be a valid uuid')
      }
    },
  )
})

describe('authentication', () => {
  it('answers 401 on every route without a token or with a bad one', async () => {
    const { headers } = await signUp(app, 'Authed')
    const child = await createChild(headers)
    const routes = [
      { method: 'POST', url: '/api/children', payload: aChild },
      { method: 'GET', url: '/api/children' },
      { method: 'GET', url: `/api/children/${child.id}` },
      { method: 'PATCH', url: `/api/children/${child.id}`, payload: { name: 'Hacked' } },
      { method: 'DELETE', url: `/api/children/${child.id}` },
      // Authentication comes before validation: a bad id or body without a token is still a 401.
      { method: 'GET', url: '/api/children/not-a-uuid' },
      { method: 'POST', url: '/api/children', payload: {} },
    ] as const
    for (const authorization of [undefined, 'Bearer nope', headers.authorization.replace('Bearer ', 'Basic ')]) {
      for (const route of routes) {
        const response = await app.inject({ ...route, headers: authorization ? { authorization } : {} })
        expect(response.statusCode, `${route.method} ${route.url} with ${authorization}`).toBe(401)
        expectErrorShape(response.json(), 401, 'UNAUTHORIZED')
      }
    }
    // Nothing changed.
    expect((await show(headers, child.id)).json().child).toEqual(child)
    expect((await list(headers)).json().children).toEqual([child])
  })
})

describe("another parent's child", () => {
  it('is invisible: 404 exactly like a missing id for GET, PATCH and DELETE, and an empty list', async () => {
    const first = await signUp(app, 'First')
    const second = await signUp(app, 'Second')
    const child = await createChild(first.headers)
    const missing = randomUUID()

    expect((await list(second.headers)).json()).toEqual({ children: [] })

    const pairs = [
      [await show(second.headers, child.id), await show(second.headers, missing)],
      [
        await patch(second.headers, child.id, { name: 'Stolen' }),
        await patch(second.headers, missing, { name: 'Stolen' }),
      ],
      [await remove(second.headers, child.id), await remove(second.headers, missing)],
    ]
    for (const [theirs, nobodys] of pairs) {
      expectErrorShape(theirs!.json(), 404, 'NOT_FOUND')
      expect(theirs!.json()).toEqual(nobodys!.json())
    }

    // The first parent still has the child, unchanged.
    expect((await show(first.headers, child.id)).json()).toEqual({ child })
    expect((await list(first.headers)).json().children).toEqual([child])
  })
})
