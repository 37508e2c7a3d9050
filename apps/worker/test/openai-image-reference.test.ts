import { createHash } from 'node:crypto'
import { loadConfig } from '@dreamify/core'
import { type FakeOpenAI, type ImageEditBody, isPng, renderFixturePng, startFakeOpenAI } from '@dreamify/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createOpenAIProvider } from '../src/providers/openai.ts'
import { type ImageReference, ProviderError } from '../src/providers/provider.ts'

// Chapters drawn from the child's avatar with images.edit: the real `openai` SDK against the fake.

let fake: FakeOpenAI
beforeAll(async () => {
  fake = await startFakeOpenAI()
})
afterAll(() => fake.close())
afterEach(() => fake.reset())

function openaiConfig(env: Record<string, string> = {}) {
  return loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-signing',
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_API_KEY: 'test',
    OPENAI_TIMEOUT_MS: '2000',
    ...env,
  }).generation.openai
}

const live = () => new AbortController().signal
const avatar = await renderFixturePng('avatar-sunny')
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
const reference: ImageReference = {
  image: { bytes: avatar, contentType: 'image/png' },
  prompt: 'A picture-book illustration. Scene: a kite over the hill. The hero is the child in the reference image.',
}
const DESCRIBED = 'A picture-book illustration. Scene: a kite over the hill. Main character: a girl with red hair.'
const calls = (path: string) => fake.calls.filter((c) => c.path === path)
const edits = () => calls('/v1/images/edits').map((c) => c.body as ImageEditBody)
const generations = () => calls('/v1/images/generations').map((c) => c.body as Record<string, unknown>)

function recordingLogger() {
  const lines: Array<{ details: object; message: string }> = []
  return { lines, warn: (details: object, message: string) => lines.push({ details, message }) }
}

describe('drawing a chapter from the avatar', () => {
  it('sends the avatar as the first input image of images.edit, with the reference prompt and high fidelity', async () => {
    const provider = createOpenAIProvider(openaiConfig())
    expect(provider.drawsFromReference?.()).toBe(true)
    const image = await provider.drawImage(DESCRIBED, live(), 'chapter', reference)
    expect(isPng(image.bytes)).toBe(true)
    expect(generations()).toHaveLength(0)
    const [edit] = edits()
    expect(edits()).toHaveLength(1)
    expect(edit).toMatchObject({
      model: 'gpt-image-1',
      prompt: reference.prompt,
      n: '1',
      size: '1024x1024',
      quality: 'medium',
      input_fidelity: 'high',
    })
    // The SDK sends an array of uploads as `image[]`; the avatar's own bytes went first.
    expect(edit!.images[0]).toMatchObject({
      field: 'image[]',
      contentType: 'image/png',
      bytes: avatar.length,
      sha256: sha256(avatar),
    })
    // What the picture cost counts the input image too.
    expect(image.usage?.tokens).toBeGreaterThan(1056 + 765)
  })

  it.each([
    ['gpt-image-1.5', 'high'],
    ['gpt-image-1-mini', undefined],
    ['gpt-image-2', undefined],
  ])('asks %s for input_fidelity %s', async (model, fidelity) => {
    const provider = createOpenAIProvider(openaiConfig({ OPENAI_IMAGE_MODEL: model }))
    await provider.drawImage(DESCRIBED, live(), 'chapter', reference)
    expect(edits()[0]?.input_fidelity).toBe(fidelity)
  })

  it.each([
    ['404', 'not_found' as const],
    ['400 unsupported', 'unsupported' as const],
  ])('falls back to the description when edits answer %s, remembers it, and says so once', async (_, mode) => {
    fake.configure({ imageEdits: mode })
    const logger = recordingLogger()
    const provider = createOpenAIProvider(openaiConfig(), { logger })
    const first = await provider.drawImage(DESCRIBED, live(), 'chapter', reference)
    expect(isPng(first.bytes)).toBe(true)
    expect(provider.drawsFromReference?.()).toBe(false)
    await provider.drawImage(DESCRIBED, live(), 'chapter', reference)
    await provider.drawImage(DESCRIBED, live(), 'chapter', reference)
    expect(edits()).toHaveLength(1)
    expect(generations().map((g) => g.prompt)).toEqual([DESCRIBED, DESCRIBED, DESCRIBED])
    expect(logger.lines).toHaveLength(1)
    expect(logger.lines[0]!.message).toMatch(/no image edits/)
  })

  it('treats another failure of an edit as that failure, and keeps drawing from the avatar', async () => {
    fake.configure({ failNext: ['500'], scope: 'images' })
    const provider = createOpenAIProvider(openaiConfig())
    const error = await provider.drawImage(DESCRIBED, live(), 'chapter', reference).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toMatchObject({ kind: 'transient', code: 'PROVIDER_UNAVAILABLE' })
    expect(provider.drawsFromReference?.()).toBe(true)
    await provider.drawImage(DESCRIBED, live(), 'chapter', reference)
    expect(edits()).toHaveLength(2)
    expect(generations()).toHaveLength(0)
  })

  it('never draws from the avatar with OPENAI_IMAGE_REFERENCE=off', async () => {
    const provider = createOpenAIProvider(openaiConfig({ OPENAI_IMAGE_REFERENCE: 'off' }))
    expect(provider.drawsFromReference?.()).toBe(false)
    await provider.drawImage(DESCRIBED, live(), 'chapter', reference)
    expect(edits()).toHaveLength(0)
    expect(generations().map((g) => g.prompt)).toEqual([DESCRIBED])
  })

  it('refuses OPENAI_IMAGE_REFERENCE values other than auto and off', () => {
    expect(() => openaiConfig({ OPENAI_IMAGE_REFERENCE: 'always' })).toThrow(/OPENAI_IMAGE_REFERENCE/)
  })
})
