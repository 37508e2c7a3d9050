import { loadConfig } from '@dreamify/core'
import { buildStoryMessages } from '@dreamify/prompts'
import { aChild, type FakeOpenAI, startFakeOpenAI } from '@dreamify/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createWorkerMetrics, instrumentProvider } from '../src/metrics.ts'
import { createOpenAIProvider } from '../src/providers/openai.ts'
import { ProviderError, type StoryRequest, type Usage } from '../src/providers/provider.ts'

// Metrics count what each provider call returns: the real provider against the fake OpenAI server.

let fake: FakeOpenAI
beforeAll(async () => {
  fake = await startFakeOpenAI()
})
afterAll(() => fake.close())
afterEach(() => fake.reset())

function measuredProvider() {
  const config = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-signing',
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_API_KEY: 'test',
    OPENAI_TIMEOUT_MS: '1000',
  }).generation.openai
  const metrics = createWorkerMetrics({ defaultMetrics: false })
  return { provider: instrumentProvider(createOpenAIProvider(config), metrics), metrics }
}

async function tokensCounted(metrics: ReturnType<typeof createWorkerMetrics>, kind: Usage['kind']) {
  return (await metrics.tokens.get()).values.find((v) => v.labels.kind === kind)?.value ?? 0
}

function storyRequest(stream: boolean): StoryRequest {
  const input = {
    child: aChild,
    topic: 'a lost red balloon',
    genre: 'Adventure' as const,
    chapters: 3,
    format: 'json' as const,
  }
  return { ...input, messages: buildStoryMessages(input), stream }
}

describe('the measured provider', () => {
  it('counts the tokens each story and each image returns, and hands the usage on', async () => {
    const { provider, metrics } = measuredProvider()
    const returned: Array<Usage | undefined> = []
    for (const stream of [false, true]) {
      const story = provider.writeStory(storyRequest(stream), new AbortController().signal)
      for (let next = await story.next(); ; next = await story.next()) {
        if (next.done) {
          returned.push(next.value)
          break
        }
      }
    }
    const image = await provider.drawImage('an otter by the sea', new AbortController().signal)

    const [whole, streamed] = returned
    expect(whole?.tokens).toBeGreaterThan(0)
    expect(streamed?.tokens).toBeGreaterThan(0)
    expect(image.usage?.tokens).toBeGreaterThan(0)
    expect(await tokensCounted(metrics, 'text')).toBe(whole!.tokens + streamed!.tokens)
    expect(await tokensCounted(metrics, 'image')).toBe(image.usage!.tokens)
  })

  it('counts the tokens of an image that was paid for but could not be used', async () => {
    fake.configure({ failNext: ['malformed'], scope: 'images' })
    const { provider, metrics } = measuredProvider()
    const error = await provider.drawImage('a meadow', new AbortController().signal).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProviderError)
    const usage = (error as ProviderError).usage
    expect(usage).toMatchObject({ kind: 'image' })
    expect(await tokensCounted(metrics, 'image')).toBe(usage!.tokens)
  })
})
