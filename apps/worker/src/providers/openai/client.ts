import type { Config } from '@dreamify/core'
import OpenAI from 'openai'

export type OpenAIConfig = Config['generation']['openai']

/**
 * The official SDK against OpenAI or any OpenAI-compatible server. The SDK's own retries are off:
 * retrying and pausing on 429 are the queue's job, shared by every worker.
 */
export function createOpenAIClient(config: OpenAIConfig): OpenAI {
  return new OpenAI({
    apiKey: config.apiKey ?? null,
    baseURL: config.baseURL ?? null,
    timeout: config.timeoutMs,
    maxRetries: 0,
  })
}
