import OpenAI from 'openai'
import { createLocalModerator } from './local.ts'
import type { Moderator } from './moderator.ts'
import {
  createModerationClient,
  createOpenAIModerator,
  OPENAI_MODERATION_MODEL,
  type OpenAIModeratorOptions,
} from './openai.ts'

export type ModerationSetting = 'auto' | 'openai' | 'local'

export interface ChooseModeratorOptions {
  setting: ModerationSetting
  /** the generation provider: `fixtures` has no server to ask */
  provider: 'openai' | 'fixtures'
  openai: OpenAIModeratorOptions
}

/** Statuses by which a server says it has no /v1/moderations (Ollama and vLLM answer 404). */
const ABSENT = new Set([404, 405, 501])

/**
 * Whether the provider's server has /v1/moderations, asked once with a harmless input. Only an
 * answer saying the route does not exist means no: a server that is down now is assumed to have
 * it, so its steps wait for it (fail closed) rather than falling back to the weaker lists.
 */
export async function serverHasModerations(options: OpenAIModeratorOptions): Promise<boolean> {
  try {
    await createModerationClient(options).moderations.create({ model: OPENAI_MODERATION_MODEL, input: 'hello' })
    return true
  } catch (error) {
    return !(error instanceof OpenAI.APIError && error.status !== undefined && ABSENT.has(error.status))
  }
}

/** The moderator MODERATION asks for; `auto` probes the provider's server once. */
export async function chooseModerator(options: ChooseModeratorOptions): Promise<Moderator> {
  if (options.setting === 'local') return createLocalModerator()
  if (options.setting === 'openai') return createOpenAIModerator(options.openai)
  if (options.provider === 'fixtures') return createLocalModerator()
  return (await serverHasModerations(options.openai)) ? createOpenAIModerator(options.openai) : createLocalModerator()
}
