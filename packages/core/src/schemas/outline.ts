import Type, { type Static } from 'typebox'
import { Value } from 'typebox/value'
import { CastMember } from './stories.ts'

/**
 * A story's plan under GENERATION_STRATEGY=outline, as the planning call answers it and as it is
 * stored with the story (`stories.outline`). The cast is the story's recurring characters with a
 * visual description each: the same shape as the story's cast, so the two map one to one.
 */
// The cast is the story's own shape (stories.cast_members, schemas/stories.ts): an outline's cast becomes the story's.

export const OutlineChapter = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 120 }),
  /** two or three sentences, ending where the next chapter begins */
  synopsis: Type.String({ minLength: 1, maxLength: 1200 }),
  /** what to draw, who is in it and where, readable without the chapter's text */
  brief: Type.String({ minLength: 1, maxLength: 800 }),
})
export type OutlineChapter = Static<typeof OutlineChapter>

export const StoryOutline = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 200 }),
  cast: Type.Array(CastMember, { minItems: 1, maxItems: 12 }),
  chapters: Type.Array(OutlineChapter, { minItems: 1, maxItems: 50 }),
})
export type StoryOutline = Static<typeof StoryOutline>

/** The value as an outline when it has the outline's shape (checked as it is stored), else undefined. */
export function asStoryOutline(value: unknown): StoryOutline | undefined {
  return Value.Check(StoryOutline, value) ? value : undefined
}
