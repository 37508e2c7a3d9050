import { AppError, describeLanguages, type LanguageTag, languagesOf } from '@dreamify/core'

/**
 * Refuses a language the active provider cannot write, with a 400 that lists the ones it can. The
 * request schemas check a tag's shape; this checks it against the provider (a preferred language
 * of a parent or child too, so a default never names one a story could not be written in).
 */
export function createLanguageCheck(provider: string) {
  const languages = languagesOf(provider)
  return {
    languages,
    check(value: string | null | undefined, field: string): void {
      if (value === null || value === undefined) return
      if (!(languages as readonly string[]).includes(value))
        throw new AppError(
          'VALIDATION_FAILED',
          `${field} must be one of the languages the ${provider} provider writes: ${describeLanguages(languages)}`,
        )
    },
  }
}

export type LanguageCheck = ReturnType<typeof createLanguageCheck>
export type { LanguageTag }
