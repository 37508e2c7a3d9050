import Type, { type Static, type TSchema } from 'typebox'

/**
 * The one catalogue of queues and their payloads, shared by the API (producer) and the worker
 * (consumer). Payloads carry ids only: the record lives in Postgres. Adding a queue means adding
 * its name here and its entry to `CATALOGUE`; the payload type, the queues and the job ids follow.
 */
export const QUEUES = {
  /** writes a story's text, then fans out one `chapterImage` job per chapter */
  storyText: 'story-text',
  /** draws one chapter's illustration (first drawing and redraws alike) */
  chapterImage: 'chapter-image',
  /** draws a child's portrait */
  avatar: 'avatar',
} as const

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES]

/** A queue's payload schema, and the queue job id derived from a payload. */
function queueEntry<S extends TSchema>(payload: S, queueJobId: (payload: Static<S>) => string) {
  return { payload, queueJobId }
}

/**
 * Queue job ids are derived from the Postgres job, so enqueueing the same work twice (a retried
 * request, the reconciler, a crashed producer) adds it once. BullMQ forbids ':' in custom ids.
 */
const CATALOGUE = {
  [QUEUES.storyText]: queueEntry(Type.Object({ jobId: Type.String({ minLength: 1 }) }), ({ jobId }) => `${jobId}.text`),
  [QUEUES.chapterImage]: queueEntry(
    Type.Object({
      /** the job the client polls: the story's job for a first drawing, an `image` job for a redraw */
      jobId: Type.String({ minLength: 1 }),
      storyId: Type.String({ format: 'uuid' }),
      chapterNumber: Type.Integer({ minimum: 1 }),
    }),
    ({ jobId, chapterNumber }) => `${jobId}.chapter-${chapterNumber}`,
  ),
  [QUEUES.avatar]: queueEntry(Type.Object({ jobId: Type.String({ minLength: 1 }) }), ({ jobId }) => jobId),
} satisfies Record<QueueName, { payload: TSchema }>

type Catalogue = typeof CATALOGUE

export type PayloadOf = { [N in QueueName]: Static<Catalogue[N]['payload']> }

/** Each queue's payload schema, checked again when a job is consumed. */
export const PAYLOADS = Object.fromEntries(Object.entries(CATALOGUE).map(([name, entry]) => [name, entry.payload])) as {
  [N in QueueName]: Catalogue[N]['payload']
}

/** One job for a queue, under its deterministic id, as BullMQ's `add` and `addBulk` take it. */
export interface JobItem<N extends QueueName = QueueName> {
  name: N
  data: PayloadOf[N]
  opts: { jobId: string }
}

export function jobItem<N extends QueueName>(queue: N, payload: PayloadOf[N]): JobItem<N> {
  const queueJobId = (CATALOGUE[queue] as { queueJobId: (payload: PayloadOf[N]) => string }).queueJobId
  return { name: queue, data: payload, opts: { jobId: queueJobId(payload) } }
}
