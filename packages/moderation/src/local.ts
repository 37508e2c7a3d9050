import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity'
import { BEDTIME_THEMES, type BedtimeTheme, HARMLESS_PHRASES } from './bedtime-themes.ts'
import type { CategoryScore, ModerationInput, ModerationVerdict, Moderator } from './moderator.ts'

// Place names and foods that obscenity's English list mistakes for swear words.
const EXTRA_WHITELIST = ['shiitake', 'penistone', 'dick whittington', 'scunthorpe']

/**
 * Latin letters without their accents ("cúmulo" → "cumulo"), everything else as it is, for the
 * profanity matcher: it reads an accented letter as a break between words, so the Spanish for a
 * cumulus cloud ("la reina Cúmulo") read as a swear word. Accented swear words stay caught.
 */
const withoutLatinAccents = (text: string) =>
  text
    .normalize('NFD')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .normalize('NFC')

const profanity = (() => {
  const dataset = englishDataset.build()
  return new RegExpMatcher({
    ...dataset,
    whitelistedTerms: [...(dataset.whitelistedTerms ?? []), ...EXTRA_WHITELIST],
    ...englishRecommendedTransformers,
  })
})()

// Digits and symbols people type for letters ("k1ll", "dr*gs" aside, which no list can guess).
const LOOK_ALIKES: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
}

/** Lower case, accents and compatibility characters folded, look-alikes mapped, one space between words. */
export function normaliseForMatching(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/[013457@$]/g, (c) => LOOK_ALIKES[c] ?? c)
    .replace(/[^\p{L}\p{N}' -]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

const wholeWords = (patterns: readonly string[]) =>
  new RegExp(`(?<![\\p{L}\\p{N}])(?:${patterns.join('|')})(?![\\p{L}\\p{N}])`, 'gu')

const HARMLESS = wholeWords(HARMLESS_PHRASES)
const THEMES = Object.entries(BEDTIME_THEMES).map(([theme, patterns]) => ({
  theme: theme as BedtimeTheme,
  pattern: wholeWords(patterns),
}))

/** The bedtime themes a text touches, after harmless phrases are taken out. */
export function matchBedtimeThemes(text: string): BedtimeTheme[] {
  const normalised = normaliseForMatching(text).replace(HARMLESS, ' ')
  return THEMES.filter(({ pattern }) => {
    pattern.lastIndex = 0
    return pattern.test(normalised)
  }).map(({ theme }) => theme)
}

/**
 * Offline and in-process: obscenity's English profanity matcher (look-alike characters, an
 * allowlist for the Scunthorpe problem) plus our bedtime themes. English only, and word lists
 * only, so its assurance is `lower`; the `openai` moderator is multilingual and model-based.
 */
export function createLocalModerator(): Moderator {
  return {
    name: 'local',
    assurance: 'lower',
    supportsImages: false,
    async check(input: ModerationInput): Promise<ModerationVerdict> {
      if (!('text' in input)) return { decision: 'allowed', moderator: 'local', categories: [] }
      return checkTextLocally(input.text)
    },
  }
}

/** The same decision, synchronously: the API uses it on the request path. */
export function checkTextLocally(text: string): ModerationVerdict {
  const categories: CategoryScore[] = matchBedtimeThemes(text).map((category) => ({ category, score: 1 }))
  if (profanity.hasMatch(withoutLatinAccents(text))) categories.unshift({ category: 'profanity', score: 1 })
  return {
    decision: categories.length > 0 ? 'flagged' : 'allowed',
    moderator: 'local',
    categories: categories.slice(0, 3),
  }
}
