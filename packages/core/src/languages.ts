// The languages a story can be written in (languages.json). Tags are BCP 47; each label is the
// language's name in that language (what a speaker looks for in a menu), and `name` is its English
// name, for prompts.
import languageTable from './languages.json' with { type: 'json' }

export type TextDirection = 'ltr' | 'rtl'

export interface LanguageInfo {
  label: string
  name: string
  direction: TextDirection
  /** scripts written without spaces between words: a story's length is asked for in characters */
  unspaced?: true
  /**
   * How many of its words (characters, when unspaced) carry what one English word does, for the
   * same story read aloud: Arabic joins "and", "the" and pronouns onto words, so it needs fewer.
   * Default 1.
   */
  perEnglishWord?: number
}

export type LanguageTag = keyof typeof languageTable

/** JSON types `direction` as any string: a row that is not a LanguageInfo stops the process at once. */
function checkedLanguages(table: typeof languageTable): Readonly<Record<LanguageTag, LanguageInfo>> {
  for (const [tag, info] of Object.entries(table)) {
    if (info.direction !== 'ltr' && info.direction !== 'rtl')
      throw new Error(`languages.json: ${tag} has direction "${info.direction}", not ltr or rtl`)
  }
  return table as Record<LanguageTag, LanguageInfo>
}

/** languages.json, keyed by tag in menu order. */
export const LANGUAGES = checkedLanguages(languageTable)

export const DEFAULT_LANGUAGE: LanguageTag = 'en'

/**
 * What each provider can write. The fixtures provider tells only the stories translated for it
 * (fixtures/stories); OpenAI's text models write all of LANGUAGES well enough for a bedtime story.
 */
export const PROVIDER_LANGUAGES: Record<'fixtures' | 'openai', readonly LanguageTag[]> = {
  fixtures: ['en', 'es', 'ar'],
  openai: Object.keys(LANGUAGES) as LanguageTag[],
}

/** The languages the active provider writes, in menu order. */
export function languagesOf(provider: string): readonly LanguageTag[] {
  return PROVIDER_LANGUAGES[provider as keyof typeof PROVIDER_LANGUAGES] ?? PROVIDER_LANGUAGES.fixtures
}

export function isLanguageTag(tag: string): tag is LanguageTag {
  return Object.hasOwn(LANGUAGES, tag)
}

/** English's info for an unknown tag: a story row always has one of ours, so this is a safety net. */
export function languageInfo(tag: string): LanguageInfo {
  return isLanguageTag(tag) ? LANGUAGES[tag] : LANGUAGES.en
}

export const directionOf = (tag: string): TextDirection => languageInfo(tag).direction

/** "en (English), es (Español), ar (العربية)": for the message that refuses a language. */
export const describeLanguages = (tags: readonly LanguageTag[]): string =>
  tags.map((tag) => `${tag} (${LANGUAGES[tag].label})`).join(', ')
