import Type, { type Static, type TSchema } from 'typebox'
import type { JobKind } from './enums.ts'

/**
 * The one catalogue of queues and their payloads, shared by the API (producer) and the worker
 * (consumer). Payloads carry ids only: the record lives in Postgres. Adding a queue means adding
 * its name here and its entry to `CATALOGUE`; the payload type, the queues and the job ids follow.
 */
export const QUEUES = {
  /** writes a story's text, then fans out one `chapterImage` job per chapter */
  storyText: 'story-text',
  /** writes one chapter of an outlined story (GENERATION_STRATEGY=outline), beside its picture */
  chapterText: 'chapter-text',
  /** draws one chapter's illustration (first drawing and redraws alike) */
  chapterImage: 'chapter-image',
  /** narrates one chapter (first narration and redos alike) */
  chapterAudio: 'chapter-audio',
  /** draws a child's portrait */
  avatar: 'avatar',
  /** makes a settled picture's screen-sized WebP variants (CPU-bound: a worker of its own can run it) */
  imageVariants: 'image-variants',
  /** removes what an erasure found held by a worker, once the worker has let go (apps/api's erasure.ts) */
  erasureSweep: 'erasure-sweep',
} as const

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES]

/** A queue's payload schema, and the queue job id derived from a payload. */
function queueEntry<S extends TSchema>(payload: S, queueJobId: (payload: Static<S>) => string) {
  return { payload, queueJobId }
}

/** A payload naming only the job: the story's text, or an avatar. */
const JobPayload = Type.Object({ jobId: Type.String({ minLength: 1 }) })

/**
 * A payload naming one chapter of a story. `jobId` is the job the client polls: the story's job
 * for a chapter's text and its first drawing and narration, an `image` or `audio` job for a redo.
 */
const ChapterPayload = Type.Object({
  jobId: Type.String({ minLength: 1 }),
  storyId: Type.String({ format: 'uuid' }),
  chapterNumber: Type.Integer({ minimum: 1 }),
})

/** A payload naming one settled picture by its original's key (media_objects.key). */
const ImagePayload = Type.Object({ originalKey: Type.String({ minLength: 1 }) })

/** A queue entry by its queue and id: what an erasure removes. */
const QueueEntryRef = Type.Object({ queue: Type.Enum(Object.values(QUEUES)), id: Type.String({ minLength: 1 }) })
export type QueueEntryRef = Static<typeof QueueEntryRef>

/**
 * What an erasure could not remove at once: the entries a worker still held, and the jobs whose
 * event streams that worker may have written to once more before letting go.
 */
const ErasureSweepPayload = Type.Object({
  erasureId: Type.String({ format: 'uuid' }),
  entries: Type.Array(QueueEntryRef),
  jobIds: Type.Array(Type.String({ minLength: 1 })),
})

/**
 * Queue job ids are derived from the Postgres job, so enqueueing the same work twice (a retried
 * request, the reconciler, a crashed producer) adds it once. BullMQ forbids ':' in custom ids.
 */
const CATALOGUE = {
  [QUEUES.storyText]: queueEntry(JobPayload, ({ jobId }) => `${jobId}.text`),
  [QUEUES.chapterImage]: queueEntry(ChapterPayload, ({ jobId, chapterNumber }) => `${jobId}.chapter-${chapterNumber}`),
  [QUEUES.chapterText]: queueEntry(ChapterPayload, ({ jobId, chapterNumber }) => `${jobId}.text-${chapterNumber}`),
  [QUEUES.chapterAudio]: queueEntry(
    ChapterPayload,
    ({ jobId, chapterNumber }) => `${jobId}.chapter-${chapterNumber}.audio`,
  ),
  [QUEUES.avatar]: queueEntry(JobPayload, ({ jobId }) => jobId),
  [QUEUES.imageVariants]: queueEntry(ImagePayload, ({ originalKey }) => `variants.${originalKey}`),
  [QUEUES.erasureSweep]: queueEntry(ErasureSweepPayload, ({ erasureId }) => `erasure.${erasureId}`),
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

/** The fields of a Postgres job that say which queue entries it has. */
export interface QueuedJob {
  id: string
  kind: JobKind
  story_id: string | null
  chapter_number: number | null
  chapters_total: number
  /** chapters the story job narrates (0 when the story is not narrated) */
  narrations_total: number
}

/**
 * Every queue entry a Postgres job may have been queued under, the one that drives it first:
 * an avatar's drawing, a redraw's chapter image, a chapter's narration redone, or a story's text
 * step followed by one image job per chapter (and, for an outlined story, one text job per chapter;
 * when narrated, one narration job per chapter). The reconciler, cancellation and account erasure all read it from here.
 */
export function queueItemsOfJob(job: QueuedJob): [JobItem, ...JobItem[]] {
  const storyId = job.story_id ?? ''
  if (job.kind === 'avatar') return [jobItem(QUEUES.avatar, { jobId: job.id })]
  if (job.kind === 'image')
    return [jobItem(QUEUES.chapterImage, { jobId: job.id, storyId, chapterNumber: job.chapter_number ?? 1 })]
  if (job.kind === 'audio')
    return [jobItem(QUEUES.chapterAudio, { jobId: job.id, storyId, chapterNumber: job.chapter_number ?? 1 })]
  return [
    jobItem(QUEUES.storyText, { jobId: job.id }),
    ...Array.from({ length: job.chapters_total }, (_, i) =>
      jobItem(QUEUES.chapterImage, { jobId: job.id, storyId, chapterNumber: i + 1 }),
    ),
    ...Array.from({ length: job.chapters_total }, (_, i) =>
      jobItem(QUEUES.chapterText, { jobId: job.id, storyId, chapterNumber: i + 1 }),
    ),
    ...Array.from({ length: job.narrations_total }, (_, i) =>
      jobItem(QUEUES.chapterAudio, { jobId: job.id, storyId, chapterNumber: i + 1 }),
    ),
  ]
}
