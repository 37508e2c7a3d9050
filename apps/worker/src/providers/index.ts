import type { Config } from '@dreamify/core'
import { createFixturesProvider } from './fixtures.ts'
import { createOpenAIProvider, type OpenAIProviderOptions } from './openai.ts'
import type { GenerationProvider } from './provider.ts'

export function createProvider(config: Config['generation'], options: OpenAIProviderOptions = {}): GenerationProvider {
  return config.provider === 'openai'
    ? createOpenAIProvider(config.openai, options)
    : createFixturesProvider(config.fixtures)
}

export * from './provider.ts'
