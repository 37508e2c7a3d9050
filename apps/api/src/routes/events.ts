import { PassThrough } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  AppError,
  appendJobEvent,
  FINAL_JOB_EVENTS,
  FINISHED_JOB_STATUSES,
  formatServerSentEvent,
  type JobEvent,
  JobParams,
  jobEventKeys,
  jobSnapshot,
  lastJobEventId,
  notFound,
  parseJobEventEntry,
  readJobEvents,
  stateEvent,
} from '@dreamify/core'
import { type Db, type JobRow, jobRepository } from '@dreamify/db'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify'
import type { Redis } from 'ioredis'
import Type from 'typebox'
import { bearerAuth, errorResponses } from '../lib/schema.ts'

/** Long enough for a browser's EventSource to reconnect a few times; then the client asks for another. */
export const EVENTS_TOKEN_TTL_SECONDS = 600
const HEARTBEAT_MS = 15_000
/** how often the jobs being streamed are checked in Postgres (for a final event Redis never carried) */
const WATCH_MS = 2_000
/** how long one XREAD blocks before it is issued again */
const BLOCK_MS = 10_000
/** a job finished this long ago whose stream has no final event will not get one from its worker */
const FINAL_GRACE_MS = 10_000

export interface EventRouteDeps {
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

const EventsToken = Type.Object({ token: Type.String(), expires_in: Type.Integer() })
const EventsQuery = Type.Object({ token: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) })

const isFinished = (job: Pick<JobRow, 'status'>) => FINISHED_JOB_STATUSES.includes(job.status)
const isFinal = (event: Pick<JobEvent, 'event'>) => FINAL_JOB_EVENTS.includes(event.event)

/**
 * `GET /api/jobs/:job_id/events`: a job's progress as Server-Sent Events, for clients that prefer
 * push to polling. The worker appends events to a Redis Stream per job (see @dreamify/core's
 * events.ts); this replays what a reconnecting client missed (Last-Event-ID) and then tails the
 * stream until the final event. `POST /api/jobs/:job_id/events-token` gives browsers, whose
 * EventSource cannot send an Authorization header, a short-lived token for one job's stream.
 */
export const eventRoutes: FastifyPluginAsyncTypebox<EventRouteDeps> = async (
  app,
  { db, redis, queuePrefix, heartbeatMs = HEARTBEAT_MS, watchMs = WATCH_MS },
) => {
  const hub = createEventHub({ db, redis, prefix: queuePrefix, watchMs, logger: app.log })
  const open = new Set<() => void>()
  // Open streams would keep the server from closing: end them first (clients reconnect elsewhere and resume).
  app.addHook('preClose', async () => {
    for (const end of [...open]) end()
  })
  app.addHook('onClose', async () => hub.close())

  app.post('/jobs/:job_id/events-token', {
    onRequest: app.authenticate,
    schema: {
      tags: ['jobs'],
      summary: "A short-lived token for one job's event stream",
      description: `For browsers' EventSource, which cannot send an Authorization header: pass it as \`?token=\` to GET /api/jobs/{job_id}/events. It is good for that job's stream only, for ${EVENTS_TOKEN_TTL_SECONDS} s.`,
      security: bearerAuth,
      params: JobParams,
      response: { 200: EventsToken, ...errorResponses(400, 401, 404) },
    },
    handler: async (request) => {
      const job = await jobRepository.findOwned(db, request.parentId, request.params.job_id)
      if (!job) throw notFound('job')
      const token = app.jwt.sign(
        { sub: request.parentId, scope: 'events', job: job.id },
        { expiresIn: EVENTS_TOKEN_TTL_SECONDS },
      )
      return { token, expires_in: EVENTS_TOKEN_TTL_SECONDS }
    },
  })

  /** The parent the stream is for: by `?token=` (an events token for this job) or the usual bearer header. */
  async function streamOwner(
    request: FastifyRequest<{ Params: { job_id: string }; Querystring: { token?: string } }>,
  ): Promise<string> {
    const { token } = request.query
    if (token === undefined) {
      await app.authenticate(request)
      return request.parentId
    }
    let claims: { sub?: unknown; scope?: unknown; job?: unknown }
    try {
      claims = app.jwt.verify(token)
    } catch {
      throw new AppError(
        'UNAUTHORIZED',
        'the events token is invalid or has expired; ask POST /api/jobs/{job_id}/events-token for a new one',
      )
    }
    if (claims.scope !== 'events' || typeof claims.sub !== 'string' || claims.job !== request.params.job_id) {
      throw new AppError('UNAUTHORIZED', "the token is not for this job's events")
    }
    return claims.sub
  }

  app.get('/jobs/:job_id/events', {
    schema: {
      tags: ['jobs'],
      summary: "A job's progress as Server-Sent Events (push instead of polling)",
      description:
        'text/event-stream. Events: `stage` (the job as GET /api/jobs/{job_id} answers it, whenever its stage, percent or chapters_illustrated change), ' +
        '`chapter_written` and `chapter_illustrated` (`{number, title}`), then one of `completed`, `failed`, `cancelled` (the job), after which the stream ends. ' +
        'Ids are integers that grow within the job; send Last-Event-ID to get what was missed. A `: ping` comment comes every 15 s. ' +
        'Authorization: the bearer header, or `?token=` from POST /api/jobs/{job_id}/events-token. 204 when the client has already seen the final event.',
      security: bearerAuth,
      params: JobParams,
      querystring: EventsQuery,
      response: errorResponses(400, 401, 404),
    },
    handler: async (request, typedReply) => {
      // The body is a stream of events, not a schema-described JSON document.
      const reply = typedReply as unknown as FastifyReply
      const parentId = await streamOwner(request)
      const jobId = request.params.job_id
      let job = await jobRepository.findOwned(db, parentId, jobId)
      if (!job) throw notFound('job')
      const resumeAfter = parseLastEventId(request.headers['last-event-id'])

      let finalId = 0
      if (isFinished(job)) {
        finalId = await hub.finalEventId(job)
        // An EventSource reconnects whenever a stream ends, even after the final event; 204 tells it to stop.
        if (finalId > 0 && resumeAfter !== undefined && resumeAfter >= finalId) return reply.status(204).send(null)
      }

      const stream = new PassThrough()
      stream.on('error', () => {})
      let closed = false
      let unsubscribe: (() => void) | undefined
      let heartbeat: NodeJS.Timeout | undefined
      let lastSent = -1
      let progress: { percent: number; illustrated: number } | undefined
      let live = false
      const early: Array<JobEvent | Omit<JobEvent, 'id'>> = []

      const end = () => {
        if (closed) return
        closed = true
        clearInterval(heartbeat)
        unsubscribe?.()
        open.delete(end)
        stream.end()
      }
      const send = (event: JobEvent | Omit<JobEvent, 'id'>) => {
        if (closed) return
        // A final event Redis could not carry comes without an id: it takes the next one.
        const id = 'id' in event ? event.id : lastSent + 1
        if (id <= lastSent) return
        if (event.event === 'stage') {
          // The stream's stage events only move forward; this keeps them from going back behind the first snapshot.
          const next = (event.data as { progress: { percent: number; chapters_illustrated: number } }).progress
          if (progress && (next.percent < progress.percent || next.chapters_illustrated < progress.illustrated)) return
          progress = { percent: next.percent, illustrated: next.chapters_illustrated }
        }
        stream.write(formatServerSentEvent({ ...event, id }))
        lastSent = id
        if (isFinal(event)) end()
      }
      heartbeat = setInterval(() => closed || stream.write(': ping\n\n'), heartbeatMs)
      open.add(end)
      reply.raw.once('close', end)

      reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache, no-transform')
        .header('x-accel-buffering', 'no')
        .send(stream)
      stream.write('retry: 3000\n\n')

      // Where this connection starts: after the client's Last-Event-ID, or after the last event there is now.
      let after = resumeAfter ?? 0
      try {
        if (resumeAfter === undefined) after = await hub.lastEventId(jobId)
      } catch (error) {
        request.log.debug({ err: error, jobId }, 'could not read the last job event id')
      }
      // Subscribed before reading what is stored, so nothing falls between the two (repeats are skipped by id).
      const subscription = hub.subscribe(jobId, after, {
        event: (event) => (live ? send(event) : early.push(event)),
        fallback: (event) => (live ? send(event) : early.push(event)),
        gone: end,
      })
      if (closed) {
        subscription()
        return reply
      }
      unsubscribe = subscription
      try {
        if (resumeAfter === undefined) {
          // A client connecting without a position first gets the current state, from Postgres.
          job = (await jobRepository.find(db, jobId)) ?? job
          if (!isFinished(job)) send({ id: after, event: 'stage', data: jobSnapshot(job) })
          else if (finalId === 0) finalId = await hub.finalEventId(job)
        }
        for (const event of await hub.replay(
          jobId,
          resumeAfter ?? (isFinished(job) && finalId > 0 ? finalId - 1 : after),
        ))
          send(event)
      } catch (error) {
        request.log.debug({ err: error, jobId }, 'could not replay job events; tailing only')
      }
      live = true
      for (const event of early.splice(0)) send(event)
      return reply
    },
  })
}

function parseLastEventId(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header
  return value !== undefined && /^\s*\d{1,15}\s*$/.test(value) ? Number(value) : undefined
}

interface Listener {
  event: (event: JobEvent) => void
  /** a final event from Postgres, when Redis cannot take it */
  fallback: (event: Omit<JobEvent, 'id'>) => void
  /** the job was deleted */
  gone: () => void
}

interface Watch {
  /** the id of the last event read for this job */
  cursor: number
  listeners: Set<Listener>
  /** Postgres said finished at the last check (the worker gets a moment to publish its own final event) */
  finishedSeen: boolean
}

/**
 * One reader per API process, whatever the number of open streams: a single connection runs
 * XREAD BLOCK over the streams of every job being watched and fans each event out to that job's
 * listeners (a connection per open stream would cost Redis a client per browser tab). A job
 * joining is picked up by unblocking the read (CLIENT UNBLOCK) so it is read at once. The same
 * loop's companion checks the watched jobs in Postgres every few seconds: a job that finished
 * without a final event in its stream (a cancellation, which no worker publishes, or a worker's
 * publish lost while Redis was away) gets one, published here so every listener sees one id.
 */
function createEventHub({
  db,
  redis,
  prefix,
  watchMs,
  logger,
}: {
  db: Db
  redis: Redis
  prefix: string
  watchMs: number
  logger: FastifyBaseLogger
}) {
  const watches = new Map<string, Watch>()
  const keyPrefix = jobEventKeys(prefix, '').stream
  let reader: Redis | undefined
  let readerId: number | undefined
  let running = false
  let closed = false
  /** bumped whenever a job joins; `reading` is the generation the XREAD in flight was built from (-1: none) */
  let generation = 0
  let reading = -1
  let wake: (() => void) | undefined
  let checker: NodeJS.Timeout | undefined
  let checking = false

  function connection(): Redis {
    if (!reader) {
      // Its own connection (XREAD BLOCK holds it); it waits for Redis rather than failing, as a blocking reader should.
      reader = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null })
      reader.on('error', () => {})
      reader.on('close', () => (readerId = undefined))
    }
    return reader
  }

  async function loop() {
    running = true
    while (!closed) {
      if (watches.size === 0) {
        await new Promise<void>((resolve) => (wake = resolve))
        wake = undefined
        continue
      }
      const r = connection()
      const jobIds = [...watches.keys()]
      const positions = jobIds.map((id) => `${watches.get(id)!.cursor}-0`)
      reading = generation
      try {
        readerId ??= Number(await r.client('ID'))
        const result = (await r.xread(
          'COUNT',
          500,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          ...jobIds.map((id) => keyPrefix + id),
          ...positions,
        )) as Array<[key: string, entries: Array<[id: string, fields: string[]]>]> | null
        reading = -1
        for (const [key, entries] of result ?? []) dispatch(key.slice(keyPrefix.length), entries)
      } catch (error) {
        reading = -1
        if (closed) break
        logger.debug({ err: error }, 'reading job events failed; trying again')
        await sleep(1000)
      }
    }
    running = false
  }

  function dispatch(jobId: string, entries: Array<[id: string, fields: string[]]>) {
    const watch = watches.get(jobId)
    if (!watch) return
    for (const entry of entries) {
      const seq = Number(entry[0].split('-')[0])
      if (seq > watch.cursor) watch.cursor = seq
      const event = parseJobEventEntry(entry)
      if (event) for (const listener of [...watch.listeners]) listener.event(event)
    }
  }

  /** Makes the XREAD in flight (built before this job joined) return, so the next one includes it. */
  async function unblock(target: number) {
    for (let attempt = 0; attempt < 40 && !closed; attempt++) {
      if (reading === -1 || reading >= target) return
      if (readerId !== undefined) {
        try {
          if (Number(await redis.client('UNBLOCK', readerId)) === 1) return
        } catch {
          return
        }
      }
      await sleep(25)
    }
  }

  async function finalEventId(job: JobRow): Promise<number> {
    try {
      const id = Number((await redis.hget(jobEventKeys(prefix, job.id).meta, 'final')) ?? 0)
      if (id > 0) return id
      // No worker publishes a cancellation; a completion or failure long past will not be published any more.
      const late = job.finished_at !== null && Date.now() - job.finished_at.getTime() > FINAL_GRACE_MS
      if (job.status === 'cancelled' || late) {
        await appendJobEvent(redis, prefix, job.id, stateEvent(job.status), jobSnapshot(job))
        return Number((await redis.hget(jobEventKeys(prefix, job.id).meta, 'final')) ?? 0)
      }
    } catch (error) {
      logger.debug({ err: error, jobId: job.id }, 'could not look up the final job event')
    }
    return 0
  }

  async function check() {
    if (checking || watches.size === 0) return
    checking = true
    try {
      const rows = await db
        .selectFrom('jobs')
        .selectAll()
        .where('id', 'in', [...watches.keys()])
        .execute()
      const byId = new Map(rows.map((row) => [row.id, row]))
      for (const [jobId, watch] of watches) {
        const job = byId.get(jobId)
        if (!job) {
          for (const listener of [...watch.listeners]) listener.gone()
          continue
        }
        if (!isFinished(job)) continue
        if (job.status !== 'cancelled' && !watch.finishedSeen) {
          watch.finishedSeen = true
          continue
        }
        try {
          // A no-op when the stream has its final event already; the reader delivers whichever it holds.
          await appendJobEvent(redis, prefix, jobId, stateEvent(job.status), jobSnapshot(job))
        } catch {
          for (const listener of [...watch.listeners])
            listener.fallback({ event: stateEvent(job.status), data: jobSnapshot(job) })
        }
      }
    } catch (error) {
      logger.debug({ err: error }, 'could not check the streamed jobs in Postgres')
    } finally {
      checking = false
    }
  }

  return {
    lastEventId: async (jobId: string) => lastJobEventId(redis, prefix, jobId),
    replay: async (jobId: string, after: number) => readJobEvents(redis, prefix, jobId, after),
    finalEventId,

    /** Calls the listener with every event of the job after `after` read from now on; returns the unsubscribe. */
    subscribe(jobId: string, after: number, listener: Listener): () => void {
      let watch = watches.get(jobId)
      if (!watch) {
        watch = { cursor: after, listeners: new Set(), finishedSeen: false }
        watches.set(jobId, watch)
        void unblock(++generation)
        checker ??= setInterval(() => void check(), watchMs).unref()
        wake?.()
        if (!running) void loop()
      }
      const joined = watch
      joined.listeners.add(listener)
      return () => {
        joined.listeners.delete(listener)
        if (joined.listeners.size > 0 || watches.get(jobId) !== joined) return
        watches.delete(jobId)
        if (watches.size === 0 && checker) {
          clearInterval(checker)
          checker = undefined
        }
      }
    },

    close() {
      closed = true
      if (checker) clearInterval(checker)
      wake?.()
      reader?.disconnect()
      watches.clear()
    },
  }
}
