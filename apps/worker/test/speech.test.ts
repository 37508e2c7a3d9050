import { loadConfig } from '@dreamify/core'
import { type FakeOpenAI, readMp3, startFakeOpenAI } from '@dreamify/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createNarrationAvailability } from '../../api/src/lib/narration-availability.ts'
import { synthesiseMp3 } from '../src/narration/espeak.ts'
import { SPEECH_INPUT_LIMIT, splitForSpeech } from '../src/narration/split.ts'
import { BEDTIME_INSTRUCTIONS, createOpenAIProvider } from '../src/providers/openai.ts'
import { ProviderError } from '../src/providers/provider.ts'

// Speech through the real `openai` SDK against the testkit's fake server, and offline by eSpeak NG.
let fake: FakeOpenAI
beforeAll(async () => {
  fake = await startFakeOpenAI()
})
afterAll(() => fake.close())
afterEach(() => fake.reset())

const config = (env: Record<string, string> = {}) =>
  loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-signing',
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_API_KEY: 'test-key',
    ...env,
  }).generation
const never = new AbortController().signal
const speechCalls = () => fake.calls.filter((call) => call.path === '/v1/audio/speech')

/** A long chapter: numbered sentences, so the order of the pieces can be checked. */
const longText = Array.from({ length: 200 }, (_, i) => `The moon hummed a soft song number ${i + 1} to the sea.`).join(
  ' ',
)

describe('splitForSpeech', () => {
  it('keeps text under the limit whole', () => {
    expect(splitForSpeech('One. Two!  Three?')).toEqual(['One. Two! Three?'])
  })

  it('splits long text at sentence boundaries, in order, each piece within the limit', () => {
    const pieces = splitForSpeech(longText)
    expect(longText.length).toBeGreaterThan(2 * SPEECH_INPUT_LIMIT)
    expect(pieces.length).toBe(3)
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(SPEECH_INPUT_LIMIT)
      expect(piece).toMatch(/^The moon .*sea\.$/)
    }
    expect(pieces.join(' ')).toBe(longText)
  })

  it('cuts a sentence longer than the limit at a space', () => {
    const pieces = splitForSpeech(`${'word '.repeat(30).trim()}.`, 40)
    expect(pieces.every((piece) => piece.length <= 40)).toBe(true)
    expect(pieces.join(' ')).toBe(`${'word '.repeat(30).trim()}.`)
  })
})

describe('the openai provider reads aloud', () => {
  it('asks /v1/audio/speech for MP3 with the bedtime instructions and the configured model', async () => {
    const provider = createOpenAIProvider(config({ OPENAI_TTS_MODEL: 'tts-next' }).openai)
    const speech = await provider.speak({ text: 'Goodnight, little fox.', voice: 'coral' }, never)
    expect(speech.contentType).toBe('audio/mpeg')
    expect(readMp3(speech.bytes).frames).toBeGreaterThan(0)
    expect(speechCalls().map((call) => call.body)).toEqual([
      {
        model: 'tts-next',
        voice: 'coral',
        input: 'Goodnight, little fox.',
        instructions: BEDTIME_INSTRUCTIONS,
        response_format: 'mp3',
      },
    ])
  })

  it('splits input over 4,096 characters and stores the pieces as one playable file', async () => {
    const provider = createOpenAIProvider(config().openai)
    const speech = await provider.speak({ text: longText, voice: 'sage' }, never)
    const inputs = speechCalls().map((call) => (call.body as { input: string }).input)
    expect(inputs).toEqual(splitForSpeech(longText))
    expect(inputs.every((input) => input.length <= SPEECH_INPUT_LIMIT)).toBe(true)
    // one unbroken run of frames, as long as the pieces together
    const pieces = await Promise.all(inputs.map((input) => provider.speak({ text: input, voice: 'sage' }, never)))
    const total = pieces.reduce((sum, piece) => sum + readMp3(piece.bytes).frames, 0)
    expect(readMp3(speech.bytes).frames).toBe(total)
  })

  it('says NARRATION_UNAVAILABLE, for good, when the server has no speech endpoint', async () => {
    fake.configure({ speech: false })
    const provider = createOpenAIProvider(config().openai)
    const error = await provider.speak({ text: 'Hello.', voice: 'sage' }, never).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toMatchObject({ kind: 'permanent', code: 'NARRATION_UNAVAILABLE', status: 404 })
  })

  it('retries a 500 and refuses an answer that is not audio', async () => {
    const provider = createOpenAIProvider(config().openai)
    fake.configure({ scope: 'speech', failNext: ['500'] })
    await expect(provider.speak({ text: 'Hello.', voice: 'sage' }, never)).rejects.toMatchObject({ kind: 'transient' })
    fake.configure({ scope: 'speech', failNext: ['malformed'] })
    await expect(provider.speak({ text: 'Hello.', voice: 'sage' }, never)).rejects.toMatchObject({
      code: 'NARRATION_UNAVAILABLE',
      kind: 'transient',
    })
  })

  it('tells GET /api/options whether the server can narrate', async () => {
    expect(await createNarrationAvailability(config())()).toBe(true)
    fake.configure({ speech: false })
    expect(await createNarrationAvailability(config())()).toBe(false)
    expect(await createNarrationAvailability({ ...config(), provider: 'fixtures' })()).toBe(true)
  })
})

describe('the fixtures provider reads aloud offline', () => {
  it('synthesises real speech with eSpeak NG as a playable MP3, longer for longer text', async () => {
    const short = readMp3(await synthesiseMp3('Goodnight.', 'sage'))
    const long = readMp3(await synthesiseMp3('Goodnight, little fox. The moon is up and the sea is still.', 'sage'))
    expect(short.frames).toBeGreaterThan(0)
    expect(long.seconds).toBeGreaterThan(short.seconds + 1)
  })
})
