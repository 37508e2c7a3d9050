import OpenAI from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_MODERATION_MARKER, type FakeOpenAI, startFakeOpenAI } from '../src/index.ts'

let fake: FakeOpenAI
let client: OpenAI

beforeAll(async () => {
  fake = await startFakeOpenAI()
  client = new OpenAI({ apiKey: 'k', baseURL: fake.baseURL, maxRetries: 0 })
})
afterAll(() => fake.close())
beforeEach(() => fake.reset())

const moderate = (text: string) =>
  client.moderations.create({ model: 'omni-moderation-latest', input: [{ type: 'text', text }] })

describe('the fake /v1/moderations', () => {
  it('scores every category, and flags a text holding a marker', async () => {
    const clean = await moderate('a lost red balloon')
    expect(clean.results[0]!.flagged).toBe(false)
    expect(Object.keys(clean.results[0]!.category_scores)).toContain('violence')
    const flagged = await moderate(`a story with ${DEFAULT_MODERATION_MARKER.toUpperCase()} in it`)
    expect(flagged.results[0]).toMatchObject({ flagged: true, category_scores: { violence: 0.97 } })
  })

  it('takes markers and a limit, so a rewrite can pass', async () => {
    fake.configure({ moderationMarkers: { otters: 'sexual' }, moderationFlagLimit: 1 })
    expect((await moderate('two otters')).results[0]!.category_scores.sexual).toBe(0.97)
    expect((await moderate('two otters')).results[0]!.flagged).toBe(false)
  })

  it('flags the next images it is asked to', async () => {
    fake.configure({ flagNextImages: 1 })
    const image = [{ type: 'image_url' as const, image_url: { url: 'data:image/png;base64,AAAA' } }]
    const first = await client.moderations.create({ model: 'omni-moderation-latest', input: image })
    const second = await client.moderations.create({ model: 'omni-moderation-latest', input: image })
    expect([first.results[0]!.flagged, second.results[0]!.flagged]).toEqual([true, false])
  })

  it('honours fault injection, scoped to moderations', async () => {
    fake.configure({ failNext: ['500'], scope: 'moderations' })
    await expect(moderate('hello')).rejects.toMatchObject({ status: 500 })
    expect(fake.calls.at(-1)).toMatchObject({ path: '/v1/moderations', fault: '500' })
    expect((await moderate('hello')).results[0]!.flagged).toBe(false)
  })

  it('answers 404 when switched off, as Ollama and vLLM do', async () => {
    fake.configure({ moderations: false })
    await expect(moderate('hello')).rejects.toMatchObject({ status: 404 })
  })
})
