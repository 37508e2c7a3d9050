import { PassThrough } from 'node:stream'
import { FINAL_JOB_EVENTS, formatServerSentEvent, type JobEvent, lastJobEventId, readJobEvents } from '@dreamify/core'
import { type Db, type JobRow, jobRepository, jobSnapshot } from '@dreamify/db'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Redis } from 'ioredis'
import { isFinished } from './final-events.ts'
import type { JobEventMultiplexer } from './multiplexer.ts'

export interface EventStreamDeps {
  db: Db
  redis: Redis
  prefix: string
  /** the comment sent to keep proxies from closing an idle stream */
  heartbeatMs: number
  multiplexer: JobEventMultiplexer
  finalEventId: (job: JobRow) => Promise<number>
}

type AnyEvent = JobEvent | Omit<JobEvent, 'id'>

const isFinal = (event: Pick<JobEvent, 'event'>) => FINAL_JOB_EVENTS.includes(event.event)

function parseLastEventId(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header
  return value !== undefined && /^\s*\d{1,15}\s*$/.test(value) ? Number(value) : undefined
}

/**
 * The open Server-Sent Event connections of one API process. Each replays what its client missed
 * (Last-Event-ID), or starts from the job's current state in Postgres, then relays what the
 * multiplexer reads until the final event; `endAll` ends them when the server closes.
 */
export function createJobEventStreams({ db, redis, prefix, heartbeatMs, multiplexer, finalEventId }: EventStreamDeps) {
  const open = new Set<() => void>()

  /** Answers the request with the (already authorised) job's event stream. */
  async function stream(request: FastifyRequest, reply: FastifyReply, owned: JobRow): Promise<FastifyReply> {
    let job = owned
    const jobId = job.id
    const resumeAfter = parseLastEventId(request.headers['last-event-id'])

    let finalId = 0
    if (isFinished(job)) {
      finalId = await finalEventId(job)
      // An EventSource reconnects whenever a stream ends, even after the final event; 204 tells it to stop.
      if (finalId > 0 && resumeAfter !== undefined && resumeAfter >= finalId) return reply.status(204).send()
    }

    const body = new PassThrough()
    body.on('error', () => {})
    let closed = false
    let unsubscribe: (() => void) | undefined
    let lastSent = -1
    let progress: { percent: number; illustrated: number } | undefined
    let live = false
    const early: AnyEvent[] = []

    const end = () => {
      if (closed) return
      closed = true
      clearInterval(heartbeat)
      unsubscribe?.()
      open.delete(end)
      body.end()
    }
    const send = (event: AnyEvent) => {
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
      body.write(formatServerSentEvent({ ...event, id }))
      lastSent = id
      if (isFinal(event)) end()
    }
    const heartbeat = setInterval(() => closed || body.write(': ping\n\n'), heartbeatMs)
    open.add(end)
    reply.raw.once('close', end)

    reply
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-cache, no-transform')
      .header('x-accel-buffering', 'no')
      .send(body)
    body.write('retry: 3000\n\n')

    // Where this connection starts: after the client's Last-Event-ID, or after the last event there is now.
    let after = resumeAfter ?? 0
    try {
      if (resumeAfter === undefined) after = await lastJobEventId(redis, prefix, jobId)
    } catch (error) {
      request.log.debug({ err: error, jobId }, 'could not read the last job event id')
    }
    // Subscribed before reading what is stored, so nothing falls between the two (repeats are skipped by id).
    const relay = (event: AnyEvent) => (live ? send(event) : early.push(event))
    const subscription = multiplexer.subscribe(jobId, after, { event: relay, fallback: relay, gone: end })
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
        else if (finalId === 0) finalId = await finalEventId(job)
      }
      const replayAfter = resumeAfter ?? (isFinished(job) && finalId > 0 ? finalId - 1 : after)
      for (const event of await readJobEvents(redis, prefix, jobId, replayAfter)) send(event)
    } catch (error) {
      request.log.debug({ err: error, jobId }, 'could not replay job events; tailing only')
    }
    live = true
    for (const event of early.splice(0)) send(event)
    return reply
  }

  return {
    stream,
    /** Open streams would keep the server from closing: they end first (clients reconnect elsewhere and resume). */
    endAll() {
      for (const end of [...open]) end()
    },
  }
}
