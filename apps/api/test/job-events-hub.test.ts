import { randomUUID } from 'node:crypto'
import { appendJobEvent, createRedis, type JobEvent, jobEventKeys } from '@dreamify/core'
import { childRepository, type Db, jobLifecycle, jobRepository, jobSnapshot, parentRepository, sql } from '@dreamify/db'
import { aChild } from '@dreamify/testkit'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testConfig } from '../../../test/support/api.ts'
import { createTestDatabase } from '../../../test/support/database.ts'
import { createTestQueues } from '../../../test/support/queues.ts'
import { TEST_REDIS_URL } from '../../../test/support/services.ts'
import { authPlugin } from '../src/plugins/auth.ts'
import { jobEventsHubPlugin } from '../src/plugins/job-events-hub/index.ts'
import type { JobEventListener } from '../src/plugins/job-events-hub/multiplexer.ts'
import { eventRoutes } from '../src/routes/events.ts'

// The hub on its own, in a bare Fastify instance, on the file's database and a queue prefix of its own.
let db: Db
let redis: Redis
let prefix: string
let app: FastifyInstance
let parentId: string
let childId: string
/** the hub's Redis connections carry this name (the reader is a duplicate of the producer connection) */
const connectionName = `hub-test-${randomUUID().slice(0, 8)}`

beforeAll(async () => {
  ;({ db } = await createTestDatabase())
  ;({ prefix } = createTestQueues())
  redis = createRedis(TEST_REDIS_URL, 'producer', { connectionName })
  app = await startHub()
  const parent = await parentRepository.create(db, {
    first_name: 'Hub',
    last_name: 'Test',
    email: `hub-${randomUUID()}@example.com`,
    password_hash: 'not used here',
  })
  parentId = parent!.id
  childId = (await childRepository.create(db, { ...aChild, parent_id: parentId })).id
})
afterAll(async () => {
  await app?.close()
  redis?.disconnect()
})

async function startHub(producer = redis) {
  const server = Fastify()
  // A quick Postgres check, so the tests about it do not wait the production two seconds.
  await server.register(jobEventsHubPlugin, { db, redis: producer, queuePrefix: prefix, watchMs: 50 })
  await server.ready()
  return server
}

const aJob = () =>
  jobRepository.create(db, { id: randomUUID(), parent_id: parentId, kind: 'avatar', child_id: childId })

/** A listener that records what it hears, and waits for it. */
function recorder() {
  const heard: Array<Omit<JobEvent, 'id'> & { id?: number; via: 'event' | 'fallback' }> = []
  let gone = false
  let wake = () => {}
  const notify = () => wake()
  const listener: JobEventListener = {
    event: (event) => {
      heard.push({ ...event, via: 'event' })
      notify()
    },
    fallback: (event) => {
      heard.push({ ...event, via: 'fallback' })
      notify()
    },
    gone: () => {
      gone = true
      notify()
    },
  }
  async function until(done: () => boolean) {
    while (!done()) await new Promise<void>((resolve) => (wake = resolve))
  }
  return { listener, heard, isGone: () => gone, until }
}

/** The Redis connections named for this file: the producer's, and the hub's reader once one is open. */
async function namedConnections(): Promise<number> {
  const list = String(await redis.client('LIST'))
  return list.split('\n').filter((line) => line.includes(` name=${connectionName} `)).length
}

describe('the job events hub', () => {
  it("fans each job's events out to all its listeners over one Redis reader, whatever the number of jobs", async () => {
    const [first, second, third] = await Promise.all([aJob(), aJob(), aJob()])
    const a = recorder()
    const b = recorder()
    const c = recorder()
    const unsubscribe = [
      app.jobEventsHub.subscribe(first.id, 0, a.listener),
      app.jobEventsHub.subscribe(first.id, 0, b.listener),
      app.jobEventsHub.subscribe(second.id, 0, c.listener),
    ]
    expect(await appendJobEvent(redis, prefix, first.id, 'chapter_written', { number: 1, title: 'One' })).toBe(1)
    await Promise.all([a.until(() => a.heard.length === 1), b.until(() => b.heard.length === 1)])
    expect(a.heard).toEqual([{ id: 1, event: 'chapter_written', data: { number: 1, title: 'One' }, via: 'event' }])
    expect(b.heard).toEqual(a.heard)

    // A job joining while the reader is blocked on the others is read too.
    const d = recorder()
    unsubscribe.push(app.jobEventsHub.subscribe(third.id, 0, d.listener))
    await appendJobEvent(redis, prefix, third.id, 'chapter_written', { number: 1, title: 'Three' })
    await appendJobEvent(redis, prefix, second.id, 'chapter_written', { number: 1, title: 'Two' })
    await Promise.all([c.until(() => c.heard.length === 1), d.until(() => d.heard.length === 1)])
    expect(c.heard[0]!.data).toEqual({ number: 1, title: 'Two' })
    expect(d.heard[0]!.data).toEqual({ number: 1, title: 'Three' })
    expect(a.heard).toHaveLength(1) // nothing of the other jobs

    // Three jobs watched, four listeners: the producer's connection and one reader.
    expect(await namedConnections()).toBe(2)
    for (const stop of unsubscribe) stop()
  })

  it('publishes from Postgres the final event of a job cancelled there, one id for every listener', async () => {
    const job = await aJob()
    const a = recorder()
    const b = recorder()
    const stops = [app.jobEventsHub.subscribe(job.id, 0, a.listener), app.jobEventsHub.subscribe(job.id, 0, b.listener)]
    const cancelled = (await jobLifecycle.cancel(db, job.id))! // no worker publishes a cancellation
    await Promise.all([a.until(() => a.heard.length === 1), b.until(() => b.heard.length === 1)])
    const finalId = Number(await redis.hget(jobEventKeys(prefix, job.id).meta, 'final'))
    expect(finalId).toBeGreaterThan(0)
    const expected = { id: finalId, event: 'cancelled', data: JSON.parse(JSON.stringify(jobSnapshot(cancelled))) }
    expect(a.heard).toEqual([{ ...expected, via: 'event' }])
    expect(b.heard).toEqual(a.heard)
    for (const stop of stops) stop()
  })

  it('hands the final event to the listeners itself when Redis cannot take it', async () => {
    const producer = createRedis(TEST_REDIS_URL, 'producer')
    const hub = await startHub(producer)
    const job = await aJob()
    const a = recorder()
    hub.jobEventsHub.subscribe(job.id, 0, a.listener)
    await appendJobEvent(redis, prefix, job.id, 'chapter_written', { number: 1, title: 'One' })
    await a.until(() => a.heard.length === 1) // the reader is connected
    producer.disconnect() // the hub's producer connection is gone: publishing fails
    const cancelled = (await jobLifecycle.cancel(db, job.id))!
    await a.until(() => a.heard.length === 2)
    expect(a.heard[1]).toEqual({ event: 'cancelled', data: jobSnapshot(cancelled), via: 'fallback' })
    await hub.close()
  })

  it('tells the listeners when the job is deleted', async () => {
    const job = await aJob()
    const a = recorder()
    const stop = app.jobEventsHub.subscribe(job.id, 0, a.listener)
    await sql`delete from jobs where id = ${job.id}`.execute(db)
    await a.until(a.isGone)
    expect(a.heard).toEqual([])
    stop()
  })

  it('gives a job finished long ago its final event, once', async () => {
    const job = await aJob()
    await jobLifecycle.complete(db, job.id)
    await sql`update jobs set finished_at = now() - interval '1 hour' where id = ${job.id}`.execute(db)
    const finished = (await jobRepository.find(db, job.id))!
    const id = await app.jobEventsHub.finalEventId(finished)
    expect(id).toBe(1)
    expect(await app.jobEventsHub.finalEventId(finished)).toBe(id)
    const stream = (await redis.xrange(jobEventKeys(prefix, job.id).stream, '-', '+')) as Array<[string, string[]]>
    expect(stream.map(([entryId, fields]) => [entryId, fields[1]])).toEqual([['1-0', 'completed']])
  })

  it('leaves a job that just finished to its worker, and one that runs without a final event', async () => {
    const running = await aJob()
    expect(await app.jobEventsHub.finalEventId(running)).toBe(0)
    const completed = (await jobLifecycle.complete(db, (await aJob()).id))!
    expect(await app.jobEventsHub.finalEventId(completed)).toBe(0)
    expect(await redis.exists(jobEventKeys(prefix, completed.id).stream)).toBe(0)
  })

  it('closes its reader with the server', async () => {
    const hub = await startHub()
    const job = await aJob()
    const a = recorder()
    hub.jobEventsHub.subscribe(job.id, 0, a.listener)
    await appendJobEvent(redis, prefix, job.id, 'chapter_written', { number: 1, title: 'One' })
    await a.until(() => a.heard.length === 1)
    const before = await namedConnections()
    await hub.close()
    while ((await namedConnections()) === before) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(await namedConnections()).toBe(before - 1)
  })

  it('is required by the event routes, which refuse to start without it', async () => {
    const server = Fastify()
    await server.register(authPlugin, { config: testConfig(), db, redis })
    server.register(eventRoutes, { prefix: '/api', db })
    await expect(server.ready()).rejects.toThrow(/job-events-hub/)
    await server.close()
  })
})
