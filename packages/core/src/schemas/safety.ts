import Type, { type Static } from 'typebox'
import { STORY_REPORT_REASONS } from '../enums.ts'
import { Timestamp } from './common.ts'

const CategoryScore = Type.Object({ category: Type.String(), score: Type.Number() })

/** What a parent sees of a story's moderation: who checked it, how often, and what was held back. */
export const SafetySummary = Type.Object({
  checked_by: Type.Array(Type.Enum(['openai', 'local'])),
  /** `lower` when only the offline word lists checked it */
  assurance: Type.Union([Type.Enum(['standard', 'lower']), Type.Null()]),
  checks: Type.Integer(),
  /** what the moderator held back (the text itself is never kept): `chapter 3`, `image 2`, `title` */
  flagged: Type.Array(
    Type.Object({ stage: Type.String(), target: Type.String(), categories: Type.Array(CategoryScore) }),
  ),
  reports: Type.Integer(),
})
export type SafetySummary = Static<typeof SafetySummary>

export const StoryReportBody = Type.Object({
  reason: Type.Enum([...STORY_REPORT_REASONS]),
  note: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
})
export type StoryReportBody = Static<typeof StoryReportBody>

export const StoryReportAccepted = Type.Object({
  report_id: Type.String({ format: 'uuid' }),
  story_id: Type.String({ format: 'uuid' }),
  reason: Type.Enum([...STORY_REPORT_REASONS]),
  created_at: Timestamp,
})
