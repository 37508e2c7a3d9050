import type { Config, Logger } from '@dreamify/core'
import type { Db } from '@dreamify/db'
import { chooseModerator, createModerationMetrics, LOCAL_LANGUAGES } from '@dreamify/moderation'
import type { Registry } from 'prom-client'
import { createSafetyScreen, type SafetyScreen } from './screen.ts'

/** Chooses the moderator MODERATION asks for (`auto` probes the provider once) and says which, at start. */
export async function startSafetyScreen(deps: {
  config: Config
  db: Db
  logger: Logger
  registry: Registry
}): Promise<SafetyScreen> {
  const { config, db, logger, registry } = deps
  const { openai } = config.generation
  const moderator = await chooseModerator({
    setting: config.moderation.setting,
    provider: config.generation.provider,
    openai: {
      apiKey: openai.apiKey,
      baseURL: openai.baseURL,
      timeoutMs: openai.timeoutMs,
      thresholds: config.moderation.thresholds,
    },
  })
  const metrics = createModerationMetrics(registry)
  metrics.announce('pipeline', moderator)
  logger.info(
    {
      moderation: config.moderation.setting,
      moderator: moderator.name,
      assurance: moderator.assurance,
      ...(moderator.name === 'local' ? { languages: LOCAL_LANGUAGES } : {}),
    },
    `moderation: ${moderator.name}${moderator.name === 'local' ? ' (offline word lists, lower assurance)' : ''}`,
  )
  return createSafetyScreen({ db, moderator, metrics })
}
