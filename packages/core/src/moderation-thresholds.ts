/**
 * Our per-category thresholds on omni-moderation's `category_scores`: a score at or above its
 * threshold flags the input. Far stricter than the API's own `flagged`, which is tuned for adults;
 * a bedtime story for a four-year-old has no room for "mild" violence or sexual content.
 * Overridden per category by MODERATION_THRESHOLDS (`violence=0.2,sexual=0.05`).
 */
export const DEFAULT_THRESHOLDS: Readonly<Record<string, number>> = {
  sexual: 0.05,
  'sexual/minors': 0.01,
  harassment: 0.3,
  'harassment/threatening': 0.1,
  hate: 0.2,
  'hate/threatening': 0.05,
  illicit: 0.2,
  'illicit/violent': 0.05,
  'self-harm': 0.05,
  'self-harm/intent': 0.05,
  'self-harm/instructions': 0.05,
  violence: 0.4,
  'violence/graphic': 0.1,
}

/** The README's wording of the defaults, generated from the same table. */
export const DEFAULT_THRESHOLDS_TEXT = Object.entries(DEFAULT_THRESHOLDS)
  .map(([category, value]) => `${category}=${value}`)
  .join(',')

/** Parses `category=score,…` over the defaults; throws a message naming what is wrong. */
export function parseThresholds(text: string | undefined): Record<string, number> {
  const thresholds = { ...DEFAULT_THRESHOLDS }
  if (!text?.trim()) return thresholds
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [category, value, ...rest] = part.split('=').map((p) => p.trim())
    const score = Number(value)
    if (
      !category ||
      rest.length > 0 ||
      value === undefined ||
      value === '' ||
      !Number.isFinite(score) ||
      score < 0 ||
      score > 1
    )
      throw new Error(`"${part}" must be category=score with a score from 0 to 1`)
    if (!Object.hasOwn(DEFAULT_THRESHOLDS, category))
      throw new Error(`"${category}" is not a moderation category (${Object.keys(DEFAULT_THRESHOLDS).join(', ')})`)
    thresholds[category] = score
  }
  return thresholds
}
