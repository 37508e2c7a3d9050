import type { AgeRange, EyeColor, HairColor, HairType, Sex } from '@dreamify/core/enums'

/** How the model is asked to lay out the story: a JSON object or labelled plain text. */
export type StoryOutputFormat = 'json' | 'tagged'

export interface ChildAppearance {
  name: string
  age_range: AgeRange
  sex: Sex
  eye_color: EyeColor
  hair_type: HairType
  hair_color: HairColor
  ethnicity?: string | null
}

export interface StoryChild extends ChildAppearance {
  fav_animals?: string | null
  fav_activities?: string | null
  fav_shows?: string | null
}

export interface StoryChapter {
  number: number
  title: string
  content: string
}

export interface StoryDraft {
  title: string
  chapters: StoryChapter[]
}

export type StoryStreamEvent =
  | { type: 'title'; title: string }
  | { type: 'chapter'; number: number; title: string; content: string }

export interface StoryStreamResult {
  draft: StoryDraft
  /** Events not yet returned by push(): usually the last chapter (tagged) or nothing (json). */
  events: StoryStreamEvent[]
}

export interface StoryStreamParser {
  push(delta: string): StoryStreamEvent[]
  end(): StoryStreamResult
}
