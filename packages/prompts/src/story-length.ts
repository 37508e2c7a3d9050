import type { AgeRange } from '@dreamify/core/enums'
import { languageInfo } from '@dreamify/core/languages'

export interface StoryLength {
  /** Target length of the whole story, in words (what an English story of this age runs to). */
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

const ratioOf = (language: string) => languageInfo(language).perEnglishWord ?? 1

/**
 * How long to ask for, in the language's own units: its words, scaled by how many it needs for what
 * one English word says (fewer in Arabic), or characters for scripts without spaces (Chinese, Japanese).
 */
export function lengthPhrase(englishWords: number, chapters: number, language: string): string {
  const total = Math.round((englishWords * ratioOf(language)) / 50) * 50
  const each = Math.round(total / chapters)
  if (languageInfo(language).unspaced) {
    return `about ${total} characters in total (roughly ${each} per chapter; count characters, as the language has no spaces between words)`
  }
  return `about ${total} words in total (roughly ${each} words per chapter)`
}

/**
 * A text's length in English-word equivalents, comparable across languages: its words (Unicode-aware,
 * so Arabic, Cyrillic or Devanagari words count; a plain `\w` would miss them), or for unspaced
 * scripts its letters, divided by the language's perEnglishWord.
 */
export function countWords(text: string, language = 'en'): number {
  const units = languageInfo(language).unspaced
    ? (text.match(/[\p{L}\p{N}]/gu)?.length ?? 0)
    : (text.match(/[\p{L}\p{N}][\p{L}\p{M}\p{N}'’-]*/gu)?.length ?? 0)
  return Math.round(units / ratioOf(language))
}
