import Type, { type Static } from 'typebox'

/**
 * The one catalogue of queues and their payloads, shared by the API (producer) and the worker
 * (consumer). Payloads carry ids only: the record lives in Postgres.
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

export const StoryTextPayload = Type.Object({ jobId: Type.String({ minLength: 1 }) })
export const ChapterImagePayload = Type.Object({
  /** the job the client polls: the story's job for a first drawing, an `image` job for a redraw */
  jobId: Type.String({ minLength: 1 }),
  storyId: Type.String({ format: 'uuid' }),
  chapterNumber: Type.Integer({ minimum: 1 }),
})
export const AvatarPayload = Type.Object({ jobId: Type.String({ minLength: 1 }) })

export type StoryTextPayload = Static<typeof StoryTextPayload>
export type ChapterImagePayload = Static<typeof ChapterImagePayload>
export type AvatarPayload = Static<typeof AvatarPayload>

export const PAYLOADS = {
  [QUEUES.storyText]: StoryTextPayload,
  [QUEUES.chapterImage]: ChapterImagePayload,
  [QUEUES.avatar]: AvatarPayload,
} as const

export interface PayloadOf {
  'story-text': StoryTextPayload
  'chapter-image': ChapterImagePayload
  avatar: AvatarPayload
}

/**
 * Queue job ids are derived from the Postgres job, so enqueueing the same work twice (a retried
 * request, the reconciler, a crashed producer) adds it once. BullMQ forbids ':' in custom ids.
 */
export const queueJobId = {
  storyText: (jobId: string) => `${jobId}.text`,
  chapterImage: (jobId: string, chapterNumber: number) => `${jobId}.chapter-${chapterNumber}`,
  avatar: (jobId: string) => jobId,
}
