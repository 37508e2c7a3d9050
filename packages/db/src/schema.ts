import type {
  AgeRange,
  AudioStatus,
  EyeColor,
  HairColor,
  HairType,
  ImageStatus,
  ImageStyle,
  JobKind,
  JobStage,
  JobStatus,
  Sex,
  StoryGenre,
  StoryOutline,
} from '@dreamify/core'
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

type CreatedAt = ColumnType<Date, never, never>
type UpdatedAt = ColumnType<Date, never, Date>

export interface ParentsTable {
  id: Generated<string>
  first_name: string
  last_name: string
  email: string
  password_hash: string
  /** the family's preferred story language (a BCP 47 tag) */
  language: string | null
  created_at: CreatedAt
}

export interface ChildrenTable {
  id: Generated<string>
  parent_id: string
  name: string
  age_range: AgeRange
  sex: Sex
  eye_color: EyeColor
  hair_type: HairType
  hair_color: HairColor
  ethnicity: string
  fav_animals: string | null
  fav_activities: string | null
  fav_shows: string | null
  avatar_image_id: string | null
  /** the child's preferred story language (null: the parent's) */
  language: string | null
  created_at: CreatedAt
  updated_at: UpdatedAt
}

/** A recurring character besides the hero: the name as the story says it, the look in English. */
export interface CastMemberRow {
  name: string
  description: string
}

export interface StoriesTable {
  id: Generated<string>
  parent_id: string
  child_id: string
  topic: string
  story_genre: StoryGenre
  image_style: ImageStyle
  chapters_total: number
  title: string | null
  job_id: string | null
  /** the voice the story is narrated in (null: not narrated) */
  narration_voice: string | null
  /** the plan of a story written with GENERATION_STRATEGY=outline (null for a streamed one) */
  outline: ColumnType<StoryOutline | null, string | null, string | null>
  /** BCP 47 tag of the language the story is written in */
  language: Generated<string>
  cast_members: ColumnType<CastMemberRow[], string | undefined, string>
  created_at: CreatedAt
  completed_at: Date | null
}

export interface ChaptersTable {
  id: Generated<string>
  story_id: string
  number: number
  title: string
  content: string
  /** false while an outlined story's chapter has only its plan (its picture may be drawn already) */
  written: Generated<boolean>
  /** what to draw, in English, as the text step described it (null: the opening sentences are drawn) */
  scene: string | null
  image_status: Generated<ImageStatus>
  image_id: string | null
  /** why the picture failed for good (shown only while image_status is failed) */
  image_error_code: string | null
  audio_status: Generated<AudioStatus>
  /** the media object (kind audio) of its narration */
  audio_key: string | null
  /** why the narration failed for good (shown only while audio_status is failed) */
  audio_error_code: string | null
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface ImagesTable {
  id: Generated<string>
  parent_id: string
  child_id: string
  story_id: string | null
  /** the job that drew it, so a retried job finds a picture it already paid for */
  job_id: string | null
  /** the original's; its bytes (and its variants') are media objects (media_objects.image_id) */
  content_type: string
  byte_size: number
  /** when the image-variants step ran for it; null while its variants are still to make */
  variants_made_at: Date | null
  created_at: CreatedAt
}

export type MediaKind = 'image' | 'audio'
export type MediaStoreName = 'postgres' | 's3'

/** One stored object's record: the store (media_objects.store) holds only its bytes. */
export interface MediaObjectsTable {
  /** deterministic: a retried step writes the same key, never a second object */
  key: string
  parent_id: string
  child_id: string | null
  story_id: string | null
  /** the image this object belongs to (set when the image settles) */
  image_id: string | null
  kind: MediaKind
  /** `original`, or the variant's name (`w512`, `w1024`) */
  variant: Generated<string>
  width: number | null
  content_type: string
  byte_size: number
  /** sha256 of the bytes, hex */
  checksum: string
  store: MediaStoreName
  /** the bytes themselves when `store` is postgres, else null */
  bytes: Buffer | null
  /** null while the writing step has not settled: swept by the housekeeping after a grace period */
  settled_at: Date | null
  created_at: Generated<Date>
}

/** Objects in an external store whose record was deleted: the housekeeping deletes them, retrying. */
export interface MediaDeletionsTable {
  key: string
  store: 's3'
  attempts: Generated<number>
  last_error: string | null
  created_at: CreatedAt
  next_attempt_at: Generated<Date>
}

export interface JobsTable {
  id: string
  parent_id: string
  kind: JobKind
  status: Generated<JobStatus>
  stage: Generated<JobStage>
  percent: Generated<number>
  chapters_total: Generated<number>
  chapters_illustrated: Generated<number>
  /** chapters whose text is saved: a story completes once every chapter is written and settled */
  chapters_written: Generated<number>
  /** chapters whose drawing is settled (drawn or failed for good): the fan-in counter */
  chapters_settled: Generated<number>
  /** chapters the story narrates (0: not narrated), and how many of them are settled and narrated */
  narrations_total: Generated<number>
  narrations_settled: Generated<number>
  chapters_narrated: Generated<number>
  story_id: string | null
  child_id: string | null
  chapter_number: number | null
  error_code: string | null
  error_message: string | null
  attempts: Generated<number>
  created_at: CreatedAt
  updated_at: UpdatedAt
  finished_at: Date | null
}

export interface IdempotencyKeysTable {
  parent_id: string
  key: string
  route: string
  request_hash: string
  response_status: number | null
  response_body: unknown
  created_at: CreatedAt
  expires_at: Date
}

export interface ModerationDecisionsTable {
  id: Generated<string>
  parent_id: string
  story_id: string | null
  job_id: string | null
  stage: 'request' | 'topic' | 'story_text' | 'image_prompt' | 'image'
  target: string
  moderator: 'openai' | 'local'
  decision: 'allowed' | 'flagged'
  categories: ColumnType<Array<{ category: string; score: number }>, string, never>
  created_at: CreatedAt
}

export interface StoryReportsTable {
  id: Generated<string>
  story_id: string
  parent_id: string
  reason: string
  note: string | null
  created_at: CreatedAt
}

export interface SessionsTable {
  id: Generated<string>
  parent_id: string
  /** the session: the id of the family's first row, and the access tokens' `sid` */
  family_id: string
  token_hash: Buffer
  client: string
  created_at: CreatedAt
  last_used_at: Generated<Date>
  expires_at: Date
  rotated_at: Date | null
  revoked_at: Date | null
}

export interface Database {
  parents: ParentsTable
  children: ChildrenTable
  stories: StoriesTable
  chapters: ChaptersTable
  images: ImagesTable
  media_objects: MediaObjectsTable
  media_deletions: MediaDeletionsTable
  jobs: JobsTable
  idempotency_keys: IdempotencyKeysTable
  moderation_decisions: ModerationDecisionsTable
  story_reports: StoryReportsTable
  sessions: SessionsTable
}

export type ParentRow = Selectable<ParentsTable>
export type ChildRow = Selectable<ChildrenTable>
export type NewChild = Insertable<ChildrenTable>
export type ChildUpdate = Updateable<ChildrenTable>
export type StoryRow = Selectable<StoriesTable>
export type NewStory = Insertable<StoriesTable>
export type ChapterRow = Selectable<ChaptersTable>
export type JobRow = Selectable<JobsTable>
export type SessionRow = Selectable<SessionsTable>
export type MediaObjectRow = Selectable<MediaObjectsTable>
