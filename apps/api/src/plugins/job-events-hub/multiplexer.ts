import { setTimeout as sleep } from 'node:timers/promises'
import { type JobEvent, jobEventKeys, parseJobEventEntry } from '@dreamify/core'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'

/** how long one XREAD blocks before it is issued again */
const BLOCK_MS = 10_000

export interface JobEventListener {
  event: (event: JobEvent) => void
  /** a final event from Postgres, when Redis cannot take it */
  fallback: (event: Omit<JobEvent, 'id'>) => void
  /** the job was deleted */
  gone: () => void
}

export interface Watch {
  /** the id of the last event read for this job */
  cursor: number
  listeners: Set<JobEventListener>
  /** Postgres said finished at the last check (the worker gets a moment to publish its own final event) */
  finishedSeen: boolean
}

export interface MultiplexerDeps {
  /** the API's producer connection; the reader is a duplicate of it */
  redis: Redis
  prefix: string
  logger: FastifyBaseLogger
  /** called when the first job is watched and when the last one is let go */
  onWatching: (watching: boolean) => void
}

/**
 * One reader per API process, whatever the number of open streams: a single connection runs
 * XREAD BLOCK over the streams of every job being watched and fans each event out to that job's
 * listeners (a connection per open stream would cost Redis a client per browser tab). A job
 * joining is picked up by unblocking the read (CLIENT UNBLOCK) so it is read at once.
 */
export function createJobEventMultiplexer({ redis, prefix, logger, onWatching }: MultiplexerDeps) {
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

  return {
    /** The jobs being watched, for the Postgres check. */
    watches: watches as ReadonlyMap<string, Watch>,

    /** Calls the listener with every event of the job after `after` read from now on; returns the unsubscribe. */
    subscribe(jobId: string, after: number, listener: JobEventListener): () => void {
      let watch = watches.get(jobId)
      if (!watch) {
        watch = { cursor: after, listeners: new Set(), finishedSeen: false }
        watches.set(jobId, watch)
        void unblock(++generation)
        if (watches.size === 1) onWatching(true)
        wake?.()
        if (!running) void loop()
      }
      const joined = watch
      joined.listeners.add(listener)
      return () => {
        joined.listeners.delete(listener)
        if (joined.listeners.size > 0 || watches.get(jobId) !== joined) return
        watches.delete(jobId)
        if (watches.size === 0) onWatching(false)
      }
    },

    close() {
      closed = true
      wake?.()
      reader?.disconnect()
      watches.clear()
    },
  }
}

export type JobEventMultiplexer = ReturnType<typeof createJobEventMultiplexer>
