/**
 * A story's default language, as the API picks it: the first preference the provider writes (the
 * child's, then the parent's), else English, else the provider's first language.
 */
export function preferredLanguage(offered: { value: string }[], ...preferences: (string | null | undefined)[]) {
  for (const tag of [...preferences, 'en']) if (tag && offered.some((language) => language.value === tag)) return tag
  return offered[0]?.value ?? 'en'
}
