// The languages a story can be written in. Tags are BCP 47; each label is the language's name in
// that language (what a speaker looks for in a menu), and `name` is its English name, for prompts.

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

export const LANGUAGES = {
  en: { label: 'English', name: 'English', direction: 'ltr' },
  es: { label: 'Español', name: 'Spanish', direction: 'ltr', perEnglishWord: 1.1 },
  ar: { label: 'العربية', name: 'Arabic (Modern Standard Arabic)', direction: 'rtl', perEnglishWord: 0.75 },
  fr: { label: 'Français', name: 'French', direction: 'ltr' },
  de: { label: 'Deutsch', name: 'German', direction: 'ltr' },
  it: { label: 'Italiano', name: 'Italian', direction: 'ltr' },
  pt: { label: 'Português', name: 'Portuguese', direction: 'ltr' },
  nl: { label: 'Nederlands', name: 'Dutch', direction: 'ltr' },
  pl: { label: 'Polski', name: 'Polish', direction: 'ltr' },
  sv: { label: 'Svenska', name: 'Swedish', direction: 'ltr' },
  tr: { label: 'Türkçe', name: 'Turkish', direction: 'ltr', perEnglishWord: 0.8 },
  el: { label: 'Ελληνικά', name: 'Greek', direction: 'ltr' },
  uk: { label: 'Українська', name: 'Ukrainian', direction: 'ltr' },
  he: { label: 'עברית', name: 'Hebrew', direction: 'rtl', perEnglishWord: 0.8 },
  fa: { label: 'فارسی', name: 'Persian', direction: 'rtl' },
  ur: { label: 'اردو', name: 'Urdu', direction: 'rtl' },
  hi: { label: 'हिन्दी', name: 'Hindi', direction: 'ltr' },
  bn: { label: 'বাংলা', name: 'Bengali', direction: 'ltr' },
  id: { label: 'Bahasa Indonesia', name: 'Indonesian', direction: 'ltr' },
  vi: { label: 'Tiếng Việt', name: 'Vietnamese', direction: 'ltr' },
  ja: { label: '日本語', name: 'Japanese', direction: 'ltr', unspaced: true, perEnglishWord: 2 },
  ko: { label: '한국어', name: 'Korean', direction: 'ltr', perEnglishWord: 0.8 },
  zh: { label: '中文', name: 'Chinese (Simplified)', direction: 'ltr', unspaced: true, perEnglishWord: 1.6 },
} as const satisfies Record<string, LanguageInfo>

export type LanguageTag = keyof typeof LANGUAGES

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
