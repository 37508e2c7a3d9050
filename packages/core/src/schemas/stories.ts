import Type, { type Static } from 'typebox'
import {
  AUDIO_STATUSES,
  IMAGE_STATUSES,
  IMAGE_STYLES,
  JOB_KINDS,
  JOB_STAGES,
  JOB_STATUSES,
  NARRATION_VOICES,
  STORY_GENRES,
} from '../enums.ts'
import { GenerationError, LanguageTagField, refTo, TextDirectionField, Timestamp, Uuid } from './common.ts'
import { SafetySummary } from './safety.ts'

export const JobId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })

export const CreateStoryBody = Type.Object({
  child_id: Uuid,
  topic: Type.String({ minLength: 1, maxLength: 300, pattern: '\\S' }),
  story_genre: Type.Enum([...STORY_GENRES]),
  image_style: Type.Enum([...IMAGE_STYLES]),
  /** read each chapter aloud in this voice (voices from GET /api/options); without it nothing is narrated */
  narration: Type.Optional(Type.Object({ voice: Type.Enum([...NARRATION_VOICES]) }, { additionalProperties: false })),
  language: Type.Optional(
    Type.String({
      ...LanguageTagField,
      description:
        "the story's language, one the active provider writes (GET /api/options `languages`); default: the child's preferred language, else the parent's, else `en`",
    }),
  ),
})
export type CreateStoryBody = Static<typeof CreateStoryBody>

export const StoryAccepted = Type.Object({ story_id: Uuid, job_id: Type.String(), status: Type.Literal('queued') })
export const JobAccepted = Type.Object({ job_id: Type.String() })

export const Job = Type.Object(
  {
    job_id: Type.String(),
    kind: Type.Enum([...JOB_KINDS]),
    status: Type.Enum([...JOB_STATUSES]),
    progress: Type.Object({
      percent: Type.Integer({ minimum: 0, maximum: 100 }),
      stage: Type.Enum([...JOB_STAGES]),
      chapters_total: Type.Integer(),
      /** chapters whose text is saved (with GENERATION_STRATEGY=outline it rises beside chapters_illustrated) */
      chapters_written: Type.Integer(),
      chapters_illustrated: Type.Integer(),
      /** chapters whose narration is stored (0 when the story is not narrated) */
      chapters_narrated: Type.Integer(),
    }),
    story_id: Type.Optional(Uuid),
    child_id: Type.Optional(Uuid),
    chapter_number: Type.Optional(Type.Integer()),
    error: GenerationError,
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Job' },
)
export type Job = Static<typeof Job>

export const Chapter = Type.Object(
  {
    number: Type.Integer(),
    title: Type.String(),
    content: Type.String(),
    image_url: Type.Union([Type.String(), Type.Null()], {
      description: 'the original picture (PNG as drawn), for downloads and print',
    }),
    image_srcset: Type.Union([Type.String(), Type.Null()], {
      description: 'the picture in screen sizes (WebP, 512 and 1024 wide, never upscaled) as an `<img srcset>`',
    }),
    image_status: Type.Enum([...IMAGE_STATUSES]),
    /** why the picture failed, while image_status is failed (CONTENT_FLAGGED: flagged twice by the moderator) */
    image_error: Type.Union([Type.String(), Type.Null()]),
    /** the chapter read aloud (one MP3), as a signed expiring URL (the API's media route, or a presigned S3 GET) */
    audio_url: Type.Union([Type.String(), Type.Null()]),
    audio_status: Type.Enum([...AUDIO_STATUSES]),
    /** why the narration failed, while audio_status is failed (NARRATION_UNAVAILABLE: the server cannot narrate) */
    audio_error: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'Chapter' },
)

/** A recurring character besides the hero, as the text step described them for the illustrations. */
export const CastMember = Type.Object({
  name: Type.String({ description: "as the story calls them, in the story's language" }),
  description: Type.String({ description: 'a short visual description, in English, carried into the image prompts' }),
})
export type CastMember = Static<typeof CastMember>

export const Story = Type.Object(
  {
    story_id: Uuid,
    child_id: Uuid,
    job_id: Type.String(),
    status: Type.Enum([...JOB_STATUSES]),
    error: GenerationError,
    title: Type.Union([Type.String(), Type.Null()]),
    topic: Type.String(),
    story_genre: Type.Enum([...STORY_GENRES]),
    image_style: Type.Enum([...IMAGE_STYLES]),
    language: Type.String({ description: "the BCP 47 tag of the story's language" }),
    direction: TextDirectionField,
    cast: Type.Array(CastMember, {
      description:
        'the recurring characters besides the hero (empty until the text is written, or when there are none)',
    }),
    created_at: Timestamp,
    completed_at: Type.Union([Timestamp, Type.Null()]),
    /** the voice the story is narrated in, or null when it is not */
    narration_voice: Type.Union([Type.Enum([...NARRATION_VOICES]), Type.Null()]),
    /** `none` (not narrated), `pending`, `ready` (every chapter), or `failed` (a chapter's narration failed for good) */
    audio_status: Type.Enum([...AUDIO_STATUSES]),
    chapters_total: Type.Integer({
      minimum: 1,
      description: 'how many chapters the story was asked for; `chapters` holds those written so far',
    }),
    chapters: Type.Array(refTo(Chapter)),
    safety: SafetySummary,
  },
  { $id: 'Story' },
)

export const StorySummary = Type.Object(
  {
    story_id: Uuid,
    title: Type.Union([Type.String(), Type.Null()]),
    status: Type.Enum([...JOB_STATUSES]),
    language: Type.String(),
    direction: TextDirectionField,
    created_at: Timestamp,
    cover_image_url: Type.Union([Type.String(), Type.Null()], {
      description: "the first chapter's picture at the small size (WebP 512 wide), else the original",
    }),
    cover_image_srcset: Type.Union([Type.String(), Type.Null()], { description: 'the cover as an `<img srcset>`' }),
  },
  { $id: 'StorySummary' },
)

export const StoryList = Type.Object({
  stories: Type.Array(refTo(StorySummary)),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
})
/** A library page's size when the client names none. */
export const DEFAULT_STORY_PAGE_SIZE = 20

export const StoryListQuery = Type.Object({
  // Optional for the client; validation fills in the default, so a handler always has one.
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: DEFAULT_STORY_PAGE_SIZE })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
})

export const StoryParams = Type.Object({ story_id: Uuid })
export const ChapterParams = Type.Object({ story_id: Uuid, number: Type.Integer({ minimum: 1, maximum: 50 }) })
export const JobParams = Type.Object({ job_id: JobId })
/** A media object's key, URL-encoded into one path segment (`stories%2F…%2Fw512.webp`). */
export const MediaParams = Type.Object({
  key: Type.String({ minLength: 1, maxLength: 300, pattern: '^[a-z0-9][a-z0-9/._-]*$' }),
})
/** A signed media URL's credential (GET /api/media/:key). */
export const SignedUrlQuery = Type.Object({
  expires: Type.Integer({ minimum: 0 }),
  sig: Type.String({ minLength: 1, maxLength: 100 }),
})
