import { appendJobEvent, jobEventKeys } from '@dreamify/core'
import { type Db, jobLifecycle, jobSnapshot, sql } from '@dreamify/db'
import { openEventStream } from '@dreamify/testkit'
import Fastify from 'fastify'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { aQueuedStory, buildTestApp, expectErrorShape, signUp, testConfig } from '../../../test/support/api.ts'
import { documentedFetch } from '../../../test/support/client.ts'
import { createTestDatabase } from '../../../test/support/database.ts'
import { createTestQueues } from '../../../test/support/queues.ts'
import type { App } from '../src/app.ts'
import { installErrorHandling } from '../src/lib/error-handling.ts'
import { EVENTS_TOKEN_TTL_SECONDS } from '../src/lib/events-token.ts'
import { JOB_STATUS_TTL_MS } from '../src/lib/job-status-cache.ts'
import { addSharedSchemas } from '../src/lib/schema.ts'
import { authPlugin } from '../src/plugins/auth.ts'
import { jobEventsHubPlugin } from '../src/plugins/job-events-hub/index.ts'
import { eventRoutes } from '../src/routes/events.ts'

let app: App
let db: Db
let redis: Redis
let prefix: string
let base: string
let owner: Awaited<ReturnType<typeof signUp>>
let other: Awaited<ReturnType<typeof signUp>>

beforeAll(async () => {
  ;({ db } = await createTestDatabase())
  ;({ redis, prefix } = createTestQueues())
  app = await buildTestApp(db, {
    QUEUE_PREFIX: prefix,
    STORIES_IN_FLIGHT_PER_PARENT: '0',
    STORIES_PER_DAY_PER_PARENT: '0',
  })
  base = await app.listen({ port: 0, host: '127.0.0.1' })
  owner = await signUp(app, 'Owner')
  other = await signUp(app, 'Other')
})
afterAll(() => app?.close())

type Headers = Record<string, string>

const eventsToken = (headers: Headers, jobId: string) =>
  app.inject({ method: 'POST', url: `/api/jobs/${jobId}/events-token`, headers })

describe('POST /api/jobs/:job_id/events-token', () => {
  it("gives the owner a short-lived token for that job's stream only", async () => {
    const { job_id } = await aQueuedStory(app, owner.headers)
    const response = await eventsToken(owner.headers, job_id)
    expect(response.statusCode).toBe(200)
    const body = response.json()
    expect(body).toEqual({ token: expect.any(String), expires_in: EVENTS_TOKEN_TTL_SECONDS })
    const claims = JSON.parse(Buffer.from(body.token.split('.')[1], 'base64url').toString())
    expect(claims).toMatchObject({ sub: owner.parentId, scope: 'events', job: job_id })
    expect(claims.exp - claims.iat).toBe(EVENTS_TOKEN_TTL_SECONDS)
  })

  it("answers 404 for another parent's job and 401 without a bearer token", async () => {
    const { job_id } = await aQueuedStory(app, owner.headers)
    expectErrorShape((await eventsToken(other.headers, job_id)).json(), 404, 'NOT_FOUND')
    expectErrorShape((await eventsToken({}, job_id)).json(), 401, 'UNAUTHORIZED')
  })

  it('is refused everywhere a bearer token is expected, its own stream included', async () => {
    const { job_id } = await aQueuedStory(app, owner.headers)
    const { token } = (await eventsToken(owner.headers, job_id)).json()
    const authorization = `Bearer ${token}`
    expectErrorShape(
      (await app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization } })).json(),
      401,
      'UNAUTHORIZED',
    )
    expectErrorShape(
      (await app.inject({ method: 'GET', url: `/api/jobs/${job_id}`, headers: { authorization } })).json(),
      401,
      'UNAUTHORIZED',
    )
    expectErrorShape((await eventsToken({ authorization }, job_id)).json(), 401, 'UNAUTHORIZED')
    const stream = await documentedFetch(`${base}/api/jobs/${job_id}/events`, { headers: { authorization } })
    expect(stream.status).toBe(401)
  })
})

describe('GET /api/jobs/:job_id/events', () => {
  it('answers 401 without credentials or with a bad token, and 404 to another parent', async () => {
    const { job_id } = await aQueuedStory(app, owner.headers)
    expectErrorShape(
      (await app.inject({ method: 'GET', url: `/api/jobs/${job_id}/events` })).json(),
      401,
      'UNAUTHORIZED',
    )
    expectErrorShape(
      (await app.inject({ method: 'GET', url: `/api/jobs/${job_id}/events?token=nope` })).json(),
      401,
      'UNAUTHORIZED',
    )
    expectErrorShape(
      (await app.inject({ method: 'GET', url: `/api/jobs/${job_id}/events`, headers: other.headers })).json(),
      404,
      'NOT_FOUND',
    )
    expectErrorShape(
      (await app.inject({ method: 'GET', url: '/api/jobs/not%20an%20id/events', headers: owner.headers })).json(),
      400,
      'INVALID_ID',
    )
  })

  it("refuses a token for job A on job B's stream, even the same parent's", async () => {
    const a = await aQueuedStory(app, owner.headers)
    const b = await aQueuedStory(app, owner.headers)
    const { token } = (await eventsToken(owner.headers, a.job_id)).json()
    const refused = await app.inject({ method: 'GET', url: `/api/jobs/${b.job_id}/events?token=${token}` })
    expectErrorShape(refused.json(), 401, 'UNAUTHORIZED')
    // An access token signed as an events token for another parent's job gets nowhere either.
    const theirs = await aQueuedStory(app, other.headers)
    const { token: theirToken } = (await eventsToken(other.headers, theirs.job_id)).json()
    expectErrorShape(
      (await app.inject({ method: 'GET', url: `/api/jobs/${a.job_id}/events?token=${theirToken}` })).json(),
      401,
      'UNAUTHORIZED',
    )
  })

  it('starts with the current state from Postgres, then relays what the worker publishes, and ends after the final event', async () => {
    const { job_id } = await aQueuedStory(app, owner.headers)
    const { token } = (await eventsToken(owner.headers, job_id)).json()
    const stream = await openEventStream(`${base}/api/jobs/${job_id}/events?token=${token}`)
    expect(stream.response.status).toBe(200)
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(stream.response.headers.get('cache-control')).toMatch(/no-cache/)
    expect(stream.response.headers.get('x-request-id')).toBeTruthy()
    await stream.until((events) => events.length === 1)
    const polled = (await app.inject({ method: 'GET', url: `/api/jobs/${job_id}`, headers: owner.headers })).json()
    expect(stream.events[0]).toEqual({ id: 0, event: 'stage', data: polled })

    // What a worker does, from another process: append to the job's Redis Stream.
    const running = (await jobLifecycle.startStory(db, job_id))!.job
    expect(await appendJobEvent(redis, prefix, job_id, 'stage', jobSnapshot(running))).toBe(1)
    expect(await appendJobEvent(redis, prefix, job_id, 'stage', jobSnapshot(running))).toBe(0) // nothing changed: dropped
    expect(await appendJobEvent(redis, prefix, job_id, 'chapter_written', { number: 1, title: 'The Kite' })).toBe(2)
    const older = { ...jobSnapshot(running), progress: { ...jobSnapshot(running).progress, percent: 1 } }
    expect(await appendJobEvent(redis, prefix, job_id, 'stage', older)).toBe(0) // progress never goes back
    expect(await appendJobEvent(redis, prefix, job_id, 'chapter_illustrated', { number: 1, title: 'The Kite' })).toBe(3)
    const completed = (await completeStory(db, job_id))!
    expect(await appendJobEvent(redis, prefix, job_id, 'completed', jobSnapshot(completed))).toBe(4)
    expect(await appendJobEvent(redis, prefix, job_id, 'chapter_written', { number: 2, title: 'late' })).toBe(0) // nothing after the final event
    const events = await stream.end()

    expect(events.map((e) => [e.id, e.event])).toEqual([
      [0, 'stage'],
      [1, 'stage'],
      [2, 'chapter_written'],
      [3, 'chapter_illustrated'],
      [4, 'completed'],
    ])
    expect(events[1]!.data).toEqual(JSON.parse(JSON.stringify(jobSnapshot(running))))
    expect(events[2]!.data).toEqual({ number: 1, title: 'The Kite' })
    // Polls may be up to JOB_STATUS_TTL_MS behind Postgres; past that they show the final state.
    await new Promise((resolve) => setTimeout(resolve, JOB_STATUS_TTL_MS + 50))
    const final = (await app.inject({ method: 'GET', url: `/api/jobs/${job_id}`, headers: owner.headers })).json()
    expect(events[4]!.data).toEqual(final)
    expect(stream.blocks[0]).toEqual({}) // the `retry:` hint comes first

    // Resuming replays exactly what came after Last-Event-ID, up to the end.
    const resumed = await openEventStream(`${base}/api/jobs/${job_id}/events`, {
      ...owner.headers,
      'last-event-id': '2',
    })
    expect(await resumed.end()).toEqual(events.slice(3))
    // The stream is kept for a day after its last event.
    expect(await redis.ttl(jobEventKeys(prefix, job_id).stream)).toBeGreaterThan(23 * 3600)
    // Once the client has the final event, 204 tells an EventSource to stop reconnecting.
    expect(
      (
        await documentedFetch(`${base}/api/jobs/${job_id}/events`, {
          headers: { ...owner.headers, 'last-event-id': '4' },
        })
      ).status,
    ).toBe(204)
  })

  it("sends a finished job's final event and ends the stream", async () => {
    const { story_id, job_id } = await aQueuedStory(app, owner.headers)
    const cancelled = await app.inject({
      method: 'POST',
      url: `/api/stories/${story_id}/cancel`,
      headers: owner.headers,
    })
    expect(cancelled.statusCode).toBe(200)
    const response = await app.inject({ method: 'GET', url: `/api/jobs/${job_id}/events`, headers: owner.headers })
    expect(response.statusCode).toBe(200)
    const blocks = response.body.split('\n\n').filter((b) => b.startsWith('id:'))
    expect(blocks).toHaveLength(1)
    const [id, event, data] = blocks[0]!.split('\n')
    expect(id).toMatch(/^id: \d+$/)
    expect(event).toBe('event: cancelled')
    expect(JSON.parse(data!.slice('data: '.length))).toEqual(cancelled.json())
    // The same final event (same id) for everyone, every time.
    const again = await app.inject({ method: 'GET', url: `/api/jobs/${job_id}/events`, headers: owner.headers })
    expect(again.body).toBe(response.body)
  })

  it('notices in Postgres a job that finished without a final event in Redis (a lost publish)', async () => {
    const { job_id } = await aQueuedStory(app, owner.headers)
    const stream = await openEventStream(`${base}/api/jobs/${job_id}/events`, owner.headers)
    await stream.until((events) => events.length === 1)
    await jobLifecycle.fail(db, job_id, { code: 'PROVIDER_UNAVAILABLE', message: 'gone' })
    const events = await stream.end() // the watcher gives the worker one check to publish, then publishes itself
    expect(events.map((e) => e.event)).toEqual(['stage', 'failed'])
    expect(events[1]!.id).toBe(1)
    expect(events[1]!.data).toMatchObject({
      job_id,
      status: 'failed',
      error: { code: 'PROVIDER_UNAVAILABLE', message: 'gone' },
    })
  }, 15_000)

  it('sends a job finished long ago its final event at once', async () => {
    const { job_id } = await aQueuedStory(app, owner.headers)
    await completeStory(db, job_id)
    await sql`update jobs set finished_at = now() - interval '1 hour' where id = ${job_id}`.execute(db)
    const started = Date.now()
    const response = await app.inject({ method: 'GET', url: `/api/jobs/${job_id}/events`, headers: owner.headers })
    expect(Date.now() - started).toBeLessThan(1500)
    expect(response.body).toMatch(/event: completed\ndata: \{.*"status":"completed"/)
  })

  it('ends the stream when the story is deleted', async () => {
    const { story_id, job_id } = await aQueuedStory(app, owner.headers)
    const stream = await openEventStream(`${base}/api/jobs/${job_id}/events`, owner.headers)
    await stream.until((events) => events.length === 1)
    expect(
      (await app.inject({ method: 'DELETE', url: `/api/stories/${story_id}`, headers: owner.headers })).statusCode,
    ).toBe(204)
    await stream.end()
    expect(stream.isEnded()).toBe(true)
  }, 15_000)

  it('cleans up when the client leaves', async () => {
    const { job_id } = await aQueuedStory(app, owner.headers)
    const connections = () =>
      new Promise<number>((resolve, reject) =>
        app.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
      )
    const before = await connections()
    const stream = await openEventStream(`${base}/api/jobs/${job_id}/events`, owner.headers)
    await stream.until((events) => events.length === 1)
    expect(await connections()).toBeGreaterThan(0)
    await stream.close()
    const deadline = Date.now() + 5000
    while ((await connections()) > before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect(await connections()).toBeLessThanOrEqual(before)
  })
})

describe('a server with streams open', () => {
  it('sends heartbeats, and closes promptly, ending every stream', async () => {
    const config = testConfig({ QUEUE_PREFIX: prefix })
    const server = Fastify()
    addSharedSchemas(server)
    installErrorHandling(server)
    await server.register(authPlugin, { config, db, redis })
    await server.register(jobEventsHubPlugin, { db, redis, queuePrefix: prefix, heartbeatMs: 50 })
    await server.register(eventRoutes, { prefix: '/api', db })
    const url = await server.listen({ port: 0, host: '127.0.0.1' })
    const { job_id } = await aQueuedStory(app, owner.headers)
    const streams = await Promise.all(
      [1, 2].map(() => openEventStream(`${url}/api/jobs/${job_id}/events`, owner.headers)),
    )
    for (const stream of streams)
      await stream.until(() => stream.blocks.filter((b) => b.comment === 'ping').length >= 2)
    const started = Date.now()
    await server.close()
    expect(Date.now() - started).toBeLessThan(2000)
    for (const stream of streams) {
      await stream.end()
      expect(stream.isEnded()).toBe(true)
    }
  })
})

/** A story job completes once every chapter is written and settled: what the fan-in would do, here without drawing any. */
async function completeStory(db: Db, jobId: string) {
  await sql`update jobs set chapters_settled = chapters_total, chapters_written = chapters_total where id = ${jobId}`.execute(
    db,
  )
  return jobLifecycle.complete(db, jobId)
}
