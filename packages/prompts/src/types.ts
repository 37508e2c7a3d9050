import type { CreateChildBody } from '@dreamify/core'

/** How the model is asked to lay out the story: a JSON object or labelled plain text. */
export type StoryOutputFormat = 'json' | 'tagged'

/** What a picture of the child needs: the profile's name and appearance (ethnicity may be left out). */
export type ChildAppearance = Pick<
  CreateChildBody,
  'name' | 'age_range' | 'sex' | 'eye_color' | 'hair_type' | 'hair_color'
> & { ethnicity?: string | null }

/** What a story about the child needs: the appearance and the favourites. */
export type StoryChild = ChildAppearance & Pick<CreateChildBody, 'fav_animals' | 'fav_activities' | 'fav_shows'>

export interface StoryChapter {
  number: number
  title: string
  content: string
  /** what to draw, one or two sentences in English (absent when the answer gave none) */
  scene?: string
}

/** A recurring character besides the hero: the name as the story says it, a short look in English. */
export interface CastMember {
  name: string
  description: string
}

export interface StoryDraft {
  title: string
  /** the recurring characters besides the hero (empty when the answer named none) */
  cast: CastMember[]
  chapters: StoryChapter[]
}

export type StoryStreamEvent =
  | { type: 'title'; title: string }
  | { type: 'cast'; cast: CastMember[] }
  | { type: 'chapter'; number: number; title: string; content: string; scene?: string }

export interface StoryStreamResult {
  draft: StoryDraft
  /** Events not yet returned by push(): usually the last chapter (tagged) or nothing (json). */
  events: StoryStreamEvent[]
}

export interface StoryStreamParser {
  push(delta: string): StoryStreamEvent[]
  end(): StoryStreamResult
}
