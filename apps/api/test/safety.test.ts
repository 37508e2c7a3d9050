import { readFileSync } from 'node:fs'
import type { Db } from '@dreamify/db'
import { aStory } from '@dreamify/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { aChild, buildTestApp, expectErrorShape, signUp } from '../../../test/support/api.ts'
import { createTestDatabase } from '../../../test/support/database.ts'
import type { App } from '../src/app.ts'

// The request-time check (the offline moderator on what a parent types) and parents' reports,
// through the real app on a real database.
const topics = JSON.parse(
  readFileSync(new URL('../../../packages/moderation/test/topics.json', import.meta.url), 'utf8'),
) as { refused: string[]; allowed: string[] }

let app: App
let db: Db
let owner: Awaited<ReturnType<typeof signUp>>
let childId: string

beforeAll(async () => {
  ;({ db } = await createTestDatabase())
  app = await buildTestApp(db, { STORIES_IN_FLIGHT_PER_PARENT: '0', STORIES_PER_DAY_PER_PARENT: '0' })
  owner = await signUp(app, 'Safety')
  const created = await app.inject({ method: 'POST', url: '/api/children', headers: owner.headers, payload: aChild })
  childId = created.json().child.id
})
afterAll(() => app?.close())

const requestStory = (topic: string) =>
  app.inject({ method: 'POST', url: '/api/stories', headers: owner.headers, payload: aStory(childId, topic) })

describe('POST /api/stories refuses topics unsuitable for bedtime', () => {
  it.each(topics.refused.slice(0, 12))('refuses %j with 422 CONTENT_REFUSED naming the field', async (topic) => {
    const response = await requestStory(topic)
    const error = expectErrorShape(response.json(), 422, 'CONTENT_REFUSED')
    expect(error.message).toMatch(
      /^body\.topic is not suitable for a bedtime story: it seems to be about .+\. Please rephrase it/,
    )
    // The parent's words are not echoed back, nor is the word list.
    expect(error.message).not.toContain(topic)
  })

  it('stores nothing of a refused request but the decision, and counts it', async () => {
    const before = await db.selectFrom('stories').select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
    await requestStory('a pirate who stabs everyone and drinks blood')
    const after = await db.selectFrom('stories').select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
    expect(after.n).toBe(before.n)
    const decisions = await db
      .selectFrom('moderation_decisions')
      .selectAll()
      .where('parent_id', '=', owner.parentId)
      .where('stage', '=', 'request')
      .where('decision', '=', 'flagged')
      .orderBy('id')
      .execute()
    expect(decisions.length).toBeGreaterThan(0)
    expect(decisions.at(-1)).toMatchObject({ target: 'topic', moderator: 'local', decision: 'flagged', story_id: null })
    expect(JSON.stringify(decisions)).not.toContain('pirate')
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
    expect(metrics).toMatch(/dreamify_moderation_total\{stage="request",moderator="local",decision="flagged"\} [1-9]/)
    expect(metrics).toMatch(/dreamify_moderation_assurance\{role="request",moderator="local",assurance="lower"\} 1/)
  })

  it.each(['a trip to Scunthorpe to see the ducks', 'a grasshopper who learns to sing', 'the dragon learns to share'])(
    'accepts %j',
    async (topic) => {
      expect((await requestStory(topic)).statusCode).toBe(202)
    },
  )
})

describe('request-time decisions that allow', () => {
  const requestDecisions = (where: { story_id?: string; parent_id?: string }) => {
    let query = db.selectFrom('moderation_decisions').selectAll().where('stage', '=', 'request')
    if (where.story_id) query = query.where('story_id', '=', where.story_id)
    if (where.parent_id) query = query.where('parent_id', '=', where.parent_id).where('story_id', 'is', null)
    return query.orderBy('id').execute()
  }

  it("are stored with the story they let through, in the story's safety summary, without the text", async () => {
    const response = await requestStory('a hedgehog who collects buttons')
    expect(response.statusCode).toBe(202)
    const { story_id, job_id } = response.json()
    const decisions = await requestDecisions({ story_id })
    expect(decisions).toEqual([
      expect.objectContaining({
        parent_id: owner.parentId,
        story_id,
        job_id,
        stage: 'request',
        target: 'topic',
        moderator: 'local',
        decision: 'allowed',
        categories: [],
      }),
    ])
    expect(JSON.stringify(decisions)).not.toContain('hedgehog')
    const story = (await app.inject({ method: 'GET', url: `/api/stories/${story_id}`, headers: owner.headers })).json()
    // No worker runs here: the request's check is the only one yet.
    expect(story.safety).toEqual({ checked_by: ['local'], assurance: 'lower', checks: 1, flagged: [], reports: 0 })
  })

  it("are stored with a child's free text, on POST and PATCH, one per field sent", async () => {
    const parent = await signUp(app, 'Allowed')
    const created = await app.inject({
      method: 'POST',
      url: '/api/children',
      headers: parent.headers,
      payload: { ...aChild, fav_animals: 'otters', fav_shows: 'Bluey' },
    })
    expect(created.statusCode).toBe(201)
    const onCreate = await requestDecisions({ parent_id: parent.parentId })
    expect(onCreate.map((d) => [d.target, d.decision, d.moderator, d.job_id])).toEqual(
      ['ethnicity', 'fav_animals', 'fav_activities', 'fav_shows'].map((field) => [field, 'allowed', 'local', null]),
    )
    expect(JSON.stringify(onCreate)).not.toMatch(/otters|Bluey/)

    const child = created.json().child.id
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/children/${child}`,
      headers: parent.headers,
      payload: { fav_shows: 'Peppa Pig', name: 'Zoe' },
    })
    expect(patched.statusCode).toBe(200)
    const afterPatch = await requestDecisions({ parent_id: parent.parentId })
    expect(afterPatch.slice(onCreate.length).map((d) => [d.target, d.decision])).toEqual([['fav_shows', 'allowed']])
  })

  it("are not stored for a PATCH of another parent's child, which answers 404", async () => {
    const stranger = await signUp(app, 'Nosy')
    const response = await app.inject({
      method: 'PATCH',
      url: `/api/children/${childId}`,
      headers: stranger.headers,
      payload: { fav_shows: 'Bluey' },
    })
    expectErrorShape(response.json(), 404, 'NOT_FOUND')
    expect(await requestDecisions({ parent_id: stranger.parentId })).toEqual([])
    expect((await requestDecisions({ parent_id: owner.parentId })).filter((d) => d.target === 'fav_shows')).toEqual([])
  })
})

describe('POST and PATCH /api/children refuse unsuitable free text', () => {
  it('names the field that was refused', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/children',
      headers: owner.headers,
      payload: { ...aChild, fav_shows: 'zombie slasher movies' },
    })
    const error = expectErrorShape(response.json(), 422, 'CONTENT_REFUSED')
    expect(error.message).toMatch(/^body\.fav_shows is not suitable/)
  })

  it("leaves the child's name alone: real names trip profanity lists", async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/children',
      headers: owner.headers,
      payload: { ...aChild, name: 'Dick' },
    })
    expect(response.statusCode).toBe(201)
  })

  it('checks a PATCH too, and accepts harmless words that contain denied ones', async () => {
    const patch = (payload: object) =>
      app.inject({ method: 'PATCH', url: `/api/children/${childId}`, headers: owner.headers, payload })
    expectErrorShape((await patch({ fav_activities: 'playing with guns' })).json(), 422, 'CONTENT_REFUSED')
    expect((await patch({ fav_animals: 'killer whales and bloodhounds' })).statusCode).toBe(200)
  })
})

describe('GET /health/ready', () => {
  it('says the request-time moderator is the lower-assurance local one', async () => {
    const ready = (await app.inject({ method: 'GET', url: '/health/ready' })).json()
    expect(ready.checks.moderation).toEqual({ status: 'up', moderator: 'local', assurance: 'lower' })
  })
})

describe('POST /api/stories/:id/report', () => {
  it('stores a report for the owner, counts it and answers 202', async () => {
    const { story_id } = (await requestStory('a penguin who wants to fly')).json()
    const response = await app.inject({
      method: 'POST',
      url: `/api/stories/${story_id}/report`,
      headers: owner.headers,
      payload: { reason: 'frightening', note: 'the owl scared her' },
    })
    expect(response.statusCode).toBe(202)
    expect(response.json()).toMatchObject({ story_id, reason: 'frightening', report_id: expect.any(String) })
    const story = (await app.inject({ method: 'GET', url: `/api/stories/${story_id}`, headers: owner.headers })).json()
    expect(story.safety).toMatchObject({ reports: 1, flagged: [] })
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
    expect(metrics).toMatch(/dreamify_story_reports_total\{reason="frightening"\} 1/)
  })

  it('answers 404 to anyone else, and 400 for a reason not on the list', async () => {
    const { story_id } = (await requestStory('a robot who learns to dance')).json()
    const stranger = await signUp(app, 'Stranger')
    const report = (headers: Record<string, string>, payload: object) =>
      app.inject({ method: 'POST', url: `/api/stories/${story_id}/report`, headers, payload })
    expectErrorShape((await report(stranger.headers, { reason: 'violent' })).json(), 404, 'NOT_FOUND')
    expectErrorShape((await report(owner.headers, { reason: 'boring' })).json(), 400, 'VALIDATION_FAILED')
    const stored = await db.selectFrom('story_reports').selectAll().where('story_id', '=', story_id).execute()
    expect(stored).toEqual([])
  })
})
