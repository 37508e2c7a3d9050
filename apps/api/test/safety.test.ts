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
