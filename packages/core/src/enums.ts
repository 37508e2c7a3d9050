// The product's vocabularies, by what they describe. The database enforces the same lists, as
// enum types and checks in the migrations; narration voices it checks only for their shape.

// A child's profile
export const AGE_RANGES = ['0-3', '4-6', '7-9', '10-13'] as const
export type AgeRange = (typeof AGE_RANGES)[number]
export const SEXES = ['Male', 'Female'] as const
export type Sex = (typeof SEXES)[number]
export const EYE_COLORS = ['Blue', 'Brown', 'Green', 'Hazel', 'Amber', 'Gray'] as const
export type EyeColor = (typeof EYE_COLORS)[number]
export const HAIR_TYPES = ['Straight', 'Wavy', 'Curly', 'Kinky', 'Bald'] as const
export type HairType = (typeof HAIR_TYPES)[number]
export const HAIR_COLORS = ['Blonde', 'Brown', 'Black', 'Red', 'Auburn', 'Gray', 'White', 'Bald'] as const
export type HairColor = (typeof HAIR_COLORS)[number]

// A story request
export const IMAGE_STYLES = ['Cartoon', 'Realistic', 'Fantasy', 'Watercolor', 'Anime'] as const
export type ImageStyle = (typeof IMAGE_STYLES)[number]
export const STORY_GENRES = ['Fantasy', 'Adventure', 'Educational'] as const
export type StoryGenre = (typeof STORY_GENRES)[number]
/** The voices a story may be narrated in (GET /api/options lists them with labels). */
export const NARRATION_VOICES = ['coral', 'sage', 'fable', 'nova', 'onyx'] as const
export type NarrationVoice = (typeof NARRATION_VOICES)[number]

// A chapter's media
export const IMAGE_STATUSES = ['pending', 'ready', 'failed'] as const
export type ImageStatus = (typeof IMAGE_STATUSES)[number]
/** A chapter's narration: `none` when its story was not narrated. */
export const AUDIO_STATUSES = ['none', 'pending', 'ready', 'failed'] as const
export type AudioStatus = (typeof AUDIO_STATUSES)[number]

// A job
export const JOB_KINDS = ['story', 'avatar', 'image', 'audio'] as const
export type JobKind = (typeof JOB_KINDS)[number]
export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const
export type JobStatus = (typeof JOB_STATUSES)[number]
export const JOB_STAGES = ['queued', 'planning', 'writing', 'illustrating', 'saving', 'done'] as const
export type JobStage = (typeof JOB_STAGES)[number]

/**
 * A job still to be driven: the one definition of "unfinished". The database's transitions build
 * their SQL from it (packages/db/src/job-lifecycle/unfinished.ts); every other status is final.
 */
export const UNFINISHED_JOB_STATUSES = ['queued', 'running'] as const satisfies readonly JobStatus[]
export const isUnfinishedJob = (status: JobStatus): boolean =>
  (UNFINISHED_JOB_STATUSES as readonly JobStatus[]).includes(status)
export const FINISHED_JOB_STATUSES: readonly JobStatus[] = JOB_STATUSES.filter((status) => !isUnfinishedJob(status))

/** Why a parent reports a story (POST /api/stories/:id/report). */
export const STORY_REPORT_REASONS = [
  'frightening',
  'violent',
  'sexual',
  'rude_language',
  'not_age_appropriate',
  'other',
] as const
export type StoryReportReason = (typeof STORY_REPORT_REASONS)[number]
