import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { JobStatus } from './enums.ts'

/**
 * A job's progress as a stream of events, shared by the worker (which appends them) and the API
 * (which serves them as Server-Sent Events). Each job has a Redis Stream of its own whose entry
 * ids are `<seq>-0`, seq being a per-job integer that only grows: it is the SSE event id, so a
 * client's Last-Event-ID is directly a position in the stream.
 */
export const JOB_EVENT_NAMES = [
  'stage',
  'chapter_written',
  'chapter_illustrated',
  'chapter_narrated',
  'completed',
  'failed',
  'cancelled',
] as const
export type JobEventName = (typeof JOB_EVENT_NAMES)[number]
export const FINAL_JOB_EVENTS: readonly JobEventName[] = ['completed', 'failed', 'cancelled']

export interface JobEvent {
  id: number
  event: JobEventName
  data: unknown
}

/** How many events a job's stream keeps (approximately), and for how long after its last event. */
export const JOB_EVENTS_MAXLEN = 1000
export const JOB_EVENTS_TTL_SECONDS = 24 * 3600

export const jobEventKeys = (prefix: string, jobId: string) => ({
  /** the Redis Stream of the job's events */
  stream: `${prefix}:events:${jobId}`,
  /** a hash: seq (the last id given out), final (the id of the final event), and the last stage event's progress */
  meta: `${prefix}:events:${jobId}:meta`,
})

/** The event that describes a job's current state: `stage` while it runs, else its final event. */
export function stateEvent(status: JobStatus): JobEventName {
  return status === 'completed' || status === 'failed' || status === 'cancelled' ? status : 'stage'
}

// One atomic step, so concurrent publishers (several image steps of one story on different
// workers) get ids in the order their events land in the stream. It also keeps the stream tidy:
// nothing follows a final event (so there is exactly one, and it is last), and a `stage` event
// that changes nothing, or whose progress is older than one already published (two steps reading
// the row in one order and publishing in the other), is dropped. Returns the id, or 0 if dropped.
const PUBLISH_SCRIPT = `
local meta = KEYS[2]
if redis.call('HEXISTS', meta, 'final') == 1 then return 0 end
if ARGV[1] == 'stage' then
  local percent = tonumber(ARGV[6])
  local illustrated = tonumber(ARGV[7])
  local narrated = tonumber(ARGV[9])
  local last = redis.call('HMGET', meta, 'percent', 'illustrated', 'stage', 'narrated')
  if last[1] then
    local lastPercent = tonumber(last[1])
    local lastIllustrated = tonumber(last[2])
    local lastNarrated = tonumber(last[4] or '0')
    if percent < lastPercent or illustrated < lastIllustrated or narrated < lastNarrated then return 0 end
    if percent == lastPercent and illustrated == lastIllustrated and narrated == lastNarrated and ARGV[8] == last[3] then return 0 end
  end
  redis.call('HSET', meta, 'percent', percent, 'illustrated', illustrated, 'stage', ARGV[8], 'narrated', narrated)
end
local seq = redis.call('HINCRBY', meta, 'seq', 1)
if ARGV[5] == '1' then redis.call('HSET', meta, 'final', seq) end
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], seq .. '-0', 'event', ARGV[1], 'data', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', meta, ARGV[4])
return seq
`

const PUBLISH_SCRIPT_SHA = createHash('sha1').update(PUBLISH_SCRIPT).digest('hex')

// By hash, so the script's text (a kilobyte) goes over the wire only when this Redis has not seen
// it yet (first use, a restart, SCRIPT FLUSH), not with each of the many events a step publishes.
async function runPublishScript(redis: Redis, ...keysAndArgs: Array<string | number>): Promise<unknown> {
  try {
    return await redis.evalsha(PUBLISH_SCRIPT_SHA, 2, ...keysAndArgs)
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
    return redis.eval(PUBLISH_SCRIPT, 2, ...keysAndArgs)
  }
}

/**
 * Appends one event to a job's stream; resolves to its id, or 0 when it was dropped (see above).
 * Throws when Redis does: callers that must not fail (a job step) catch.
 */
export async function appendJobEvent(
  redis: Redis,
  prefix: string,
  jobId: string,
  event: JobEventName,
  data: unknown,
): Promise<number> {
  const keys = jobEventKeys(prefix, jobId)
  const progress =
    event === 'stage'
      ? (
          data as {
            progress?: { percent?: number; chapters_illustrated?: number; chapters_narrated?: number; stage?: string }
          }
        ).progress
      : undefined
  const result = await runPublishScript(
    redis,
    keys.stream,
    keys.meta,
    event,
    JSON.stringify(data),
    JOB_EVENTS_MAXLEN,
    JOB_EVENTS_TTL_SECONDS,
    FINAL_JOB_EVENTS.includes(event) ? '1' : '0',
    progress?.percent ?? 0,
    progress?.chapters_illustrated ?? 0,
    progress?.stage ?? '',
    progress?.chapters_narrated ?? 0,
  )
  return Number(result)
}

/** Deletes the jobs' event streams in one command: an erasure, so that the titles in them leave Redis at once. */
export async function deleteJobEvents(redis: Redis, prefix: string, jobIds: readonly string[]): Promise<void> {
  const keys = jobIds.flatMap((jobId) => Object.values(jobEventKeys(prefix, jobId)))
  if (keys.length > 0) await redis.del(...keys)
}

/** The id of the job's last event (0 when it has none yet). */
export async function lastJobEventId(redis: Redis, prefix: string, jobId: string): Promise<number> {
  return Number((await redis.hget(jobEventKeys(prefix, jobId).meta, 'seq')) ?? 0)
}

type StreamEntry = [id: string, fields: string[]]

/** Turns a stream entry into an event; undefined for anything that is not one of ours. */
export function parseJobEventEntry([id, fields]: StreamEntry): JobEvent | undefined {
  const seq = Number(id.split('-')[0])
  const values: Record<string, string> = {}
  for (let i = 0; i + 1 < fields.length; i += 2) values[fields[i]!] = fields[i + 1]!
  const event = values.event as JobEventName | undefined
  if (!Number.isSafeInteger(seq) || !event || !JOB_EVENT_NAMES.includes(event) || values.data === undefined)
    return undefined
  try {
    return { id: seq, event, data: JSON.parse(values.data) }
  } catch {
    return undefined
  }
}

/** The job's events with an id above `after`, oldest first (at most `count`). */
export async function readJobEvents(
  redis: Redis,
  prefix: string,
  jobId: string,
  after: number,
  count = JOB_EVENTS_MAXLEN,
): Promise<JobEvent[]> {
  const entries = (await redis.xrange(
    jobEventKeys(prefix, jobId).stream,
    `${after + 1}-0`,
    '+',
    'COUNT',
    count,
  )) as StreamEntry[]
  return entries.map(parseJobEventEntry).filter((event): event is JobEvent => event !== undefined)
}

/** One event in the text/event-stream format (data is JSON, so it holds no newline). */
export function formatServerSentEvent({ id, event, data }: JobEvent): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`
}
