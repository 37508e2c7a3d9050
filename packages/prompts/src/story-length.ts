import type { AgeRange } from '@dreamify/core/enums'

export interface StoryLength {
  /** Target length of the whole story, in words. */
  words: number
  readingLevel: string
}

const STORY_LENGTHS: Record<AgeRange, StoryLength> = {
  '0-3': {
    words: 600,
    readingLevel:
      'read aloud to a toddler: very short, simple sentences, familiar everyday words, gentle repetition and rhythm',
  },
  '4-6': {
    words: 1200,
    readingLevel: 'for ages 4-6: short, simple sentences and everyday words, with a little playful repetition',
  },
  '7-9': {
    words: 2000,
    readingLevel: 'for ages 7-9: clear sentences of varied length, with the occasional new word made clear by context',
  },
  '10-13': {
    words: 2400,
    readingLevel: 'for ages 10-13: richer vocabulary, varied sentences and some description and dialogue',
  },
}

export function storyLengthFor(ageRange: AgeRange): StoryLength {
  if (!Object.hasOwn(STORY_LENGTHS, ageRange)) throw new RangeError(`Unknown age_range: ${String(ageRange)}`)
  return STORY_LENGTHS[ageRange]
}
