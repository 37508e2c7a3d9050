import { DEFAULT_THRESHOLDS } from '@dreamify/core'
import { DEFAULT_MODERATION_MARKER, type FakeOpenAI, startFakeOpenAI } from '@dreamify/testkit'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { CHECK_RETRIES, chooseModerator, createOpenAIModerator, ModeratorUnavailableError } from '../src/index.ts'

// The openai moderator through the real SDK against the testkit's fake server.
let fake: FakeOpenAI
const options = () => ({ apiKey: 'k', baseURL: fake.baseURL, timeoutMs: 5000, thresholds: { ...DEFAULT_THRESHOLDS } })

beforeAll(async () => {
  fake = await startFakeOpenAI()
})
afterAll(() => fake.close())
beforeEach(() => fake.reset())

describe('the openai moderator', () => {
  it('asks omni-moderation-latest and decides on our thresholds', async () => {
    const moderator = createOpenAIModerator(options())
    expect(moderator).toMatchObject({ name: 'openai', assurance: 'standard', supportsImages: true })
    expect(await moderator.check({ text: 'a lost red balloon' })).toMatchObject({
      decision: 'allowed',
      moderator: 'openai',
    })
    const flagged = await moderator.check({ text: `a ${DEFAULT_MODERATION_MARKER} topic` })
    expect(flagged.decision).toBe('flagged')
    expect(flagged.categories[0]).toEqual({ category: 'violence', score: 0.97 })
    expect(fake.calls.at(-1)).toMatchObject({
      path: '/v1/moderations',
      body: {
        model: 'omni-moderation-latest',
        input: [{ type: 'text', text: `a ${DEFAULT_MODERATION_MARKER} topic` }],
      },
    })
  })

  it('is stricter than the API: a score the API does not flag is over our threshold', async () => {
    // The fake scores a clean text 0.0001 everywhere and says flagged: false; a threshold below that flags it.
    const strict = createOpenAIModerator({ ...options(), thresholds: { ...DEFAULT_THRESHOLDS, violence: 0.00005 } })
    expect((await strict.check({ text: 'a lost red balloon' })).decision).toBe('flagged')
  })

  it('sends pictures as a data URL', async () => {
    fake.configure({ flagNextImages: 1 })
    const moderator = createOpenAIModerator(options())
    const image = { bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47]), contentType: 'image/png' }
    expect((await moderator.check({ image })).decision).toBe('flagged')
    expect((await moderator.check({ image })).decision).toBe('allowed')
    const input = (fake.calls.at(-1)!.body as { input: Array<{ image_url: { url: string } }> }).input
    expect(input[0]!.image_url.url).toBe('data:image/png;base64,iVBORw==')
  })

  it('says it is unavailable when the server fails, so the caller retries (fail closed)', async () => {
    const moderator = createOpenAIModerator(options())
    // A 500 and a 429 are sent again CHECK_RETRIES times first; a malformed answer is not.
    const everyTry = (fault: '500' | '429') => Array.from({ length: CHECK_RETRIES + 1 }, () => fault)
    for (const failNext of [everyTry('500'), everyTry('429'), ['malformed' as const]]) {
      fake.configure({ failNext, scope: 'moderations' })
      await expect(moderator.check({ text: 'hello' })).rejects.toBeInstanceOf(ModeratorUnavailableError)
    }
  })

  it('sends a failed check again within the step, so one bad answer does not cost the whole step', async () => {
    const moderator = createOpenAIModerator(options())
    fake.configure({ failNext: Array.from({ length: CHECK_RETRIES }, () => '500' as const), scope: 'moderations' })
    await expect(moderator.check({ text: 'hello' })).resolves.toMatchObject({ decision: 'allowed' })
  })
})

describe('MODERATION=auto', () => {
  const auto = (provider: 'openai' | 'fixtures' = 'openai') =>
    chooseModerator({ setting: 'auto', provider, openai: options() })

  it('chooses openai when the server has /v1/moderations', async () => {
    expect((await auto()).name).toBe('openai')
  })

  it('chooses local when /v1/moderations answers 404, as Ollama and vLLM do', async () => {
    fake.configure({ moderations: false })
    expect(await auto()).toMatchObject({ name: 'local', assurance: 'lower' })
  })

  it('keeps openai when the server is only failing now, rather than falling back to the weaker lists', async () => {
    fake.configure({ failNext: ['500'], scope: 'moderations' })
    expect((await auto()).name).toBe('openai')
  })

  it('chooses local for the fixtures provider, which has no server', async () => {
    const before = fake.calls.length
    expect((await auto('fixtures')).name).toBe('local')
    expect(fake.calls.length).toBe(before)
  })
})
