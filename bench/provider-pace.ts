// What the strategy and streaming benchmarks share: the fake OpenAI-compatible server at a real
// provider's pace, and one story timed from its POST by polling GET /api/jobs/:id.
import { performance } from 'node:perf_hooks'
import { type FakeOpenAI, startFakeOpenAI } from '@dreamify/testkit'
import { type Api, ApiClient, onFakeProvider, sleep, startApi } from './support/index.ts'

/** How fast a real provider writes and draws: the fake's options. */
export const PROVIDER_PACE = { tokensPerSecond: 70, imageLatencyMs: 10_000 } as const
/** How often a story's job is read while it is timed. */
export const POLL_MS = 100

export interface AtProviderPace {
  fake: FakeOpenAI
  api: Api
  /** one parent with one child */
  client: ApiClient
  /** the worker's environment for the fake provider, on the benchmark's queue prefix */
  providerEnv: Record<string, string>
}

/** Runs `run` against the fake at a real provider's pace, with an API and a parent; the fake is closed after it. */
export async function atProviderPace<T>(
  prefix: string,
  parentName: string,
  run: (setup: AtProviderPace) => Promise<T>,
): Promise<T> {
  const fake = await startFakeOpenAI(PROVIDER_PACE)
  try {
    const api = await startApi({ QUEUE_PREFIX: prefix })
    const client = await new ApiClient(api.url).setUp(parentName)
    return await run({ fake, api, client, providerEnv: onFakeProvider(fake, prefix) })
  } finally {
    await fake.close()
  }
}

export interface StoryTiming {
  jobId: string
  firstIllustratedMs: number
  completedMs: number
  polls: number
}

/** Posts a story and polls its job every POLL_MS: the times from the POST to the first illustrated chapter and to completed. */
export async function timeStory(client: ApiClient, topic: string, timeoutMs: number): Promise<StoryTiming> {
  const t0 = performance.now()
  const { jobId } = await client.requestStory(topic)
  let firstIllustratedMs = Number.NaN
  let polls = 0
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const { status, json } = await client.request('GET', `/api/jobs/${jobId}`)
    polls++
    if (status !== 200) throw new Error(`GET /api/jobs/:id answered ${status}: ${JSON.stringify(json)}`)
    const at = performance.now() - t0
    if (Number.isNaN(firstIllustratedMs) && json.progress.chapters_illustrated >= 1) firstIllustratedMs = at
    if (json.status === 'completed') return { jobId, firstIllustratedMs, completedMs: at, polls }
    if (json.status === 'failed' || json.status === 'cancelled')
      throw new Error(`the story ${json.status}: ${JSON.stringify(json.error)}`)
    await sleep(POLL_MS)
  }
  throw new Error(`the story did not complete within ${timeoutMs / 1000} s`)
}
