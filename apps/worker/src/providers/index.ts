import type { Config } from '@dreamify/core'
import { createFixturesProvider } from './fixtures.ts'
import { createOpenAIProvider } from './openai.ts'
import type { GenerationProvider } from './provider.ts'

export function createProvider(config: Config['generation']): GenerationProvider {
  return config.provider === 'openai' ? createOpenAIProvider(config.openai) : createFixturesProvider(config.fixtures)
}

export * from './provider.ts'
