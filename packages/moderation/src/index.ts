export { DEFAULT_THRESHOLDS, DEFAULT_THRESHOLDS_TEXT, parseThresholds } from '@dreamify/core'
export { chooseModerator, type ModerationSetting, serverHasModerations } from './auto.ts'
export { BEDTIME_THEMES, type BedtimeTheme, HARMLESS_PHRASES, LOCAL_LANGUAGES } from './bedtime-themes.ts'
export { checkTextLocally, createLocalModerator, matchBedtimeThemes, normaliseForMatching } from './local.ts'
export { createModerationMetrics, type ModerationMetrics } from './metrics.ts'
export * from './moderator.ts'
export {
  CHECK_RETRIES,
  createOpenAIModerator,
  decideOnScores,
  OPENAI_MODERATION_MODEL,
  type OpenAIModeratorOptions,
} from './openai.ts'
export { describeCategories } from './wording.ts'
