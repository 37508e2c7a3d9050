import type { Db } from '@dreamify/db'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import { createJobEventStreams } from './event-stream.ts'
import { createFinalEvents } from './final-events.ts'
import { createJobEventMultiplexer } from './multiplexer.ts'

const HEARTBEAT_MS = 15_000
/** how often the jobs being streamed are checked in Postgres (for a final event Redis never carried) */
const WATCH_MS = 2_000

export interface JobEventsHubOptions {
  db: Db
  /** the API's producer connection; the stream reader is a duplicate of it */
  redis: Redis
  /** the queues' Redis key prefix, under which the event streams live too */
  queuePrefix: string
  /** for tests: the comment sent to keep proxies from closing an idle stream */
  heartbeatMs?: number
  /** for tests: how often the streamed jobs' statuses are checked in Postgres */
  watchMs?: number
}

function createJobEventsHub(app: FastifyInstance, options: JobEventsHubOptions) {
  const { db, redis, queuePrefix: prefix, heartbeatMs = HEARTBEAT_MS, watchMs = WATCH_MS } = options
  const multiplexer = createJobEventMultiplexer({
    redis,
    prefix,
    logger: app.log,
    // The Postgres check runs only while some job is watched.
    onWatching: (watching) => finalEvents.watch(watching),
  })
  const finalEvents = createFinalEvents({ db, redis, prefix, logger: app.log, watches: multiplexer.watches, watchMs })
  const streams = createJobEventStreams({
    db,
    redis,
    prefix,
    heartbeatMs,
    multiplexer,
    finalEventId: finalEvents.finalEventId,
  })
  return {
    /** Answers a request with the job's Server-Sent Events (the caller has checked who may see the job). */
    stream: streams.stream,
    subscribe: multiplexer.subscribe,
    finalEventId: finalEvents.finalEventId,
    endStreams: streams.endAll,
    close() {
      finalEvents.watch(false)
      multiplexer.close()
    },
  }
}

export type JobEventsHub = ReturnType<typeof createJobEventsHub>

declare module 'fastify' {
  interface FastifyInstance {
    jobEventsHub: JobEventsHub
  }
}

/**
 * The job event streams of this API process (`GET /api/jobs/:job_id/events`): one Redis reader
 * multiplexed over every open stream, a Postgres check that publishes the final events Redis
 * never carried, and the open connections, ended before the server closes.
 */
export const jobEventsHubPlugin = fp(
  async (app: FastifyInstance, options: JobEventsHubOptions) => {
    const hub = createJobEventsHub(app, options)
    app.decorate('jobEventsHub', hub)
    app.addHook('preClose', async () => hub.endStreams())
    app.addHook('onClose', async () => hub.close())
  },
  { name: 'job-events-hub', dependencies: [] },
)
