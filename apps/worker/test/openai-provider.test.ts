import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { loadConfig } from '@dreamify/core'
import {
  buildStoryMessages,
  fillPlaceholders,
  loadStoryTemplates,
  parseStructuredStory,
  parseTaggedStory,
  StoryFormatError,
} from '@dreamify/prompts'
import {
  aChild,
  type ChatRequestBody,
  estimateTokens,
  type FakeOpenAI,
  isPng,
  promptText,
  readPngInfo,
  splitIntoTokens,
  startFakeOpenAI,
} from '@dreamify/testkit'
import OpenAI from 'openai'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createOpenAIProvider } from '../src/providers/openai.ts'
import {
  type ChildProfile,
  type GenerationProvider,
  ProviderError,
  type StoryFormat,
  type StoryRequest,
  type Usage,
} from '../src/providers/provider.ts'

// The real `openai` SDK against the testkit's OpenAI-compatible fake server: no mocks anywhere.

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
    OPENAI_TIMEOUT_MS: '1000',
    ...env,
  }).generation.openai
}

const child: ChildProfile = aChild

function storyRequest(format: StoryFormat, stream: boolean, chapters = 5): StoryRequest {
  const input = { child, topic: 'a lost red balloon', genre: 'Adventure' as const, chapters, format }
  return { ...input, messages: buildStoryMessages(input), stream }
}

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const pieces: string[] = []
  for await (const piece of iterable) pieces.push(piece)
  return pieces
}

/** The whole text of a story, and the usage its stream returned at the end. */
async function writeWhole(stream: AsyncGenerator<string, Usage | undefined>) {
  let text = ''
  for (;;) {
    const next = await stream.next()
    if (next.done) return { text, usage: next.value }
    text += next.value
  }
}

const live = () => new AbortController().signal

/** Runs a call and returns what it threw (failing the test when it did not throw). */
async function rejection(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run()
  } catch (error) {
    return error
  }
  throw new Error('expected the call to fail, but it succeeded')
}

const chatCalls = () => fake.calls.filter((c) => c.path === '/v1/chat/completions')
const imageCalls = () => fake.calls.filter((c) => c.path === '/v1/images/generations')

/** The usage the fake reports for a chat answer (see answerChat in packages/testkit/src/fake-chat.ts). */
function expectedTextTokens(body: ChatRequestBody, content: string): number {
  return estimateTokens(promptText(body)) + 4 * (body.messages?.length ?? 0) + splitIntoTokens(content).length
}

describe('the format for a language', () => {
  it('is JSON for every language but English, asked for in the prompt when the server has no json_schema', async () => {
    const structured = createOpenAIProvider(openaiConfig())
    expect([structured.storyFormatFor('en'), structured.storyFormatFor('es')]).toEqual(['json', 'json'])
    const plain = createOpenAIProvider(openaiConfig({ OPENAI_STRUCTURED_OUTPUT: 'false' }))
    expect([plain.storyFormatFor('en'), plain.storyFormatFor('ar')]).toEqual(['tagged', 'json'])

    const from = fake.calls.length
    const input = {
      child,
      topic: 'la luna',
      genre: 'Fantasy' as const,
      chapters: 3,
      format: 'json' as const,
      language: 'es',
    }
    const pieces = await collect(
      plain.writeStory({ ...input, messages: buildStoryMessages(input), stream: false }, live()),
    )
    const story = parseStructuredStory(pieces.join(''), 3)
    // The fake tells one of the Spanish templates.
    const spanish = loadStoryTemplates().filter((t) => t.language === 'es')
    expect(spanish.map((t) => fillPlaceholders(t.title, { name: child.name }))).toContain(story.title)
    expect(story.cast.length).toBeGreaterThan(0)
    expect((fake.calls[from]!.body as Record<string, unknown>).response_format).toBeUndefined()
  })
})

describe('writeStory in the structured JSON format', () => {
  it('answers a non-streamed story that parses with parseStructuredStory and asks for a json_schema', async () => {
    const provider = createOpenAIProvider(openaiConfig())
    expect(provider.name).toBe('openai')
    expect(provider.storyFormat).toBe('json')
    const pieces = await collect(provider.writeStory(storyRequest('json', false), live()))
    expect(pieces).toHaveLength(1)
    const story = parseStructuredStory(pieces.join(''), 5)
    expect(story.chapters.map((c) => c.number)).toEqual([1, 2, 3, 4, 5])
    for (const chapter of story.chapters) expect(chapter.content.length).toBeGreaterThan(100)
    expect(story.title).toContain('Mia')
    expect(pieces.join('')).toContain('a lost red balloon')

    expect(fake.calls).toHaveLength(1)
    const body = fake.calls[0]!.body as Record<string, any>
    expect(fake.calls[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions' })
    expect(body.model).toBe('gpt-5-mini')
    expect(body.stream).toBeFalsy()
    expect(body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'story', strict: true, schema: { properties: { chapters: { minItems: 5, maxItems: 5 } } } },
    })
    expect(body.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user'])
  })

  it('streams a story in many pieces that concatenate to a parseable story, with stream true and usage requested', async () => {
    const provider = createOpenAIProvider(openaiConfig())
    const pieces = await collect(provider.writeStory(storyRequest('json', true, 3), live()))
    expect(pieces.length).toBeGreaterThan(50)
    const story = parseStructuredStory(pieces.join(''), 3)
    expect(story.chapters).toHaveLength(3)

    expect(fake.calls).toHaveLength(1)
    const body = fake.calls[0]!.body as Record<string, any>
    expect(body.stream).toBe(true)
    expect(body.stream_options).toEqual({ include_usage: true })
    expect(body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { schema: { properties: { chapters: { minItems: 3 } } } },
    })
  })
})

describe('writeStory in the tagged format (OPENAI_STRUCTURED_OUTPUT=false)', () => {
  it('sends no response_format and answers text that parses with parseTaggedStory, streamed or not', async () => {
    const provider = createOpenAIProvider(openaiConfig({ OPENAI_STRUCTURED_OUTPUT: 'false' }))
    expect(provider.storyFormat).toBe('tagged')

    const whole = (await collect(provider.writeStory(storyRequest(provider.storyFormat, false), live()))).join('')
    const streamed = await collect(provider.writeStory(storyRequest(provider.storyFormat, true), live()))
    expect(streamed.length).toBeGreaterThan(50)
    expect(streamed.join('')).toBe(whole)

    const story = parseTaggedStory(whole, 5)
    expect(story.chapters).toHaveLength(5)
    expect(story.title).toContain('Mia')
    expect(() => parseStructuredStory(whole, 5)).toThrow(StoryFormatError)

    expect(chatCalls()).toHaveLength(2)
    for (const call of chatCalls()) expect((call.body as Record<string, unknown>).response_format).toBeUndefined()
    expect((chatCalls()[1]!.body as Record<string, unknown>).stream).toBe(true)
  })
})

describe('usage', () => {
  it('reports the token counts of a non-streamed and a streamed answer, and of an image', async () => {
    const provider: GenerationProvider = createOpenAIProvider(openaiConfig())

    const whole = await writeWhole(provider.writeStory(storyRequest('json', false), live()))
    const streamed = await writeWhole(provider.writeStory(storyRequest('json', true), live()))
    const prompt = 'A watercolour otter building a sandcastle'
    const image = await provider.drawImage(prompt, live())
    const usage = [whole.usage, streamed.usage, image.usage]

    const [first, second] = chatCalls().map((c) => c.body as ChatRequestBody)
    expect(usage).toEqual([
      { kind: 'text', tokens: expectedTextTokens(first!, whole.text) },
      { kind: 'text', tokens: expectedTextTokens(second!, streamed.text) },
      { kind: 'image', tokens: estimateTokens(prompt) + 1056 },
    ])
    expect(usage[0]!.tokens).toBeGreaterThan(1000)
  })
})

describe('errors, classified for the failure policy', () => {
  async function failure(
    fault: Parameters<FakeOpenAI['configure']>[0],
    run: (provider: GenerationProvider) => Promise<unknown>,
    env: Record<string, string> = {},
  ) {
    fake.configure(fault)
    const provider = createOpenAIProvider(openaiConfig(env))
    const error = await rejection(() => run(provider))
    // maxRetries 0: the SDK never retries by itself; the queue does.
    expect(fake.calls).toHaveLength(1)
    expect(error).toBeInstanceOf(ProviderError)
    return error as ProviderError
  }
  const write = (stream: boolean) => (provider: GenerationProvider) =>
    collect(provider.writeStory(storyRequest('json', stream), live()))
  const draw = (provider: GenerationProvider) => provider.drawImage('a meadow at dawn', live())

  it('429 → rate_limited with retryAfterMs from the Retry-After headers', async () => {
    const error = await failure({ failNext: ['429'], faults: { retryAfterSeconds: 7 } }, write(false))
    expect(error).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 7000 })
    expect(fake.calls[0]!.fault).toBe('429')
  })

  it('429 on a stream and on an image too', async () => {
    expect(await failure({ failNext: ['429'] }, write(true))).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 1000,
    })
    fake.reset()
    expect(await failure({ failNext: ['429'], faults: { retryAfterSeconds: 3 } }, draw)).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 3000,
    })
  })

  it('500 → transient PROVIDER_UNAVAILABLE', async () => {
    expect(await failure({ failNext: ['500'] }, write(false))).toMatchObject({
      kind: 'transient',
      code: 'PROVIDER_UNAVAILABLE',
      status: 500,
    })
    fake.reset()
    expect(await failure({ failNext: ['500'] }, write(true))).toMatchObject({
      kind: 'transient',
      code: 'PROVIDER_UNAVAILABLE',
      status: 500,
    })
    fake.reset()
    expect(await failure({ failNext: ['500'] }, draw)).toMatchObject({
      kind: 'transient',
      code: 'PROVIDER_UNAVAILABLE',
      status: 500,
    })
  })

  it('a content-policy refusal → permanent PROVIDER_REFUSED', async () => {
    expect(await failure({ failNext: ['refusal'] }, write(false))).toMatchObject({
      kind: 'permanent',
      code: 'PROVIDER_REFUSED',
      status: 400,
    })
    fake.reset()
    expect(await failure({ failNext: ['refusal'] }, write(true))).toMatchObject({
      kind: 'permanent',
      code: 'PROVIDER_REFUSED',
    })
    fake.reset()
    expect(await failure({ failNext: ['refusal'] }, draw)).toMatchObject({
      kind: 'permanent',
      code: 'PROVIDER_REFUSED',
    })
  })

  it('401 → permanent PROVIDER_AUTH, forced or from a wrong API key', async () => {
    expect(await failure({ failNext: ['401'] }, write(false))).toMatchObject({
      kind: 'permanent',
      code: 'PROVIDER_AUTH',
      status: 401,
    })
    fake.reset()
    const error = await failure({ apiKey: 'the-right-key' }, draw, { OPENAI_API_KEY: 'a-wrong-key' })
    expect(error).toMatchObject({ kind: 'permanent', code: 'PROVIDER_AUTH', status: 401 })
  })

  it('a hung call times out after OPENAI_TIMEOUT_MS → transient', async () => {
    const started = Date.now()
    const error = await failure({ failNext: ['hang'] }, write(false))
    const elapsed = Date.now() - started
    expect(error).toMatchObject({ kind: 'transient', code: 'PROVIDER_UNAVAILABLE' })
    expect(error.cause).toBeInstanceOf(OpenAI.APIConnectionTimeoutError)
    expect(elapsed).toBeGreaterThanOrEqual(900)
    expect(elapsed).toBeLessThan(5000)
  })

  it('a hung image call times out too', async () => {
    expect(await failure({ failNext: ['hang'] }, draw)).toMatchObject({
      kind: 'transient',
      code: 'PROVIDER_UNAVAILABLE',
    })
  })

  it('a stream that breaks off half-way → transient, after some of the text arrived', async () => {
    fake.configure({ failNext: ['break'] })
    const provider = createOpenAIProvider(openaiConfig())
    const pieces: string[] = []
    const error = await rejection(async () => {
      for await (const piece of provider.writeStory(storyRequest('json', true), live())) pieces.push(piece)
    })
    expect(fake.calls).toHaveLength(1)
    expect(fake.calls[0]!.fault).toBe('break')
    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toMatchObject({ kind: 'transient', code: 'PROVIDER_UNAVAILABLE' })
    expect(pieces.length).toBeGreaterThan(0)
    expect(() => parseStructuredStory(pieces.join(''), 5)).toThrow(StoryFormatError)
  })

  it('a non-streamed answer cut off mid-body → transient', async () => {
    expect(await failure({ failNext: ['break'] }, write(false))).toMatchObject({
      kind: 'transient',
      code: 'PROVIDER_UNAVAILABLE',
    })
  })

  it('an unreachable server → transient PROVIDER_UNAVAILABLE', async () => {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    await new Promise<void>((resolve) => server.close(() => resolve()))
    const provider = createOpenAIProvider(openaiConfig({ OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` }))
    const error = await rejection(() => collect(provider.writeStory(storyRequest('json', false), live())))
    expect(error).toMatchObject({ kind: 'transient', code: 'PROVIDER_UNAVAILABLE' })
  })

  it('a malformed answer is passed through (the story step re-asks), and fails to parse', async () => {
    fake.configure({ failNext: ['malformed'] })
    const provider = createOpenAIProvider(openaiConfig())
    const text = (await collect(provider.writeStory(storyRequest('json', false), live()))).join('')
    expect(fake.calls).toHaveLength(1)
    expect(() => parseStructuredStory(text, 5)).toThrow(StoryFormatError)
  })

  it('faults scoped to images leave text alone, and the other way round', async () => {
    fake.configure({ failNext: ['500'], scope: 'images' })
    const provider = createOpenAIProvider(openaiConfig())
    const text = (await collect(provider.writeStory(storyRequest('json', false), live()))).join('')
    expect(parseStructuredStory(text, 5).chapters).toHaveLength(5)
    expect(await rejection(() => provider.drawImage('a meadow', live()))).toMatchObject({
      kind: 'transient',
      status: 500,
    })
  })
})

describe('drawImage', () => {
  it('returns the PNG bytes of a b64_json answer as image/png', async () => {
    const provider = createOpenAIProvider(openaiConfig())
    const image = await provider.drawImage('A watercolour otter by the sea', live())
    expect(image.contentType).toBe('image/png')
    expect(isPng(image.bytes)).toBe(true)
    expect(readPngInfo(image.bytes)?.width).toBeGreaterThan(0)
    expect(imageCalls()).toHaveLength(1)
    const body = imageCalls()[0]!.body as Record<string, unknown>
    expect(body).toMatchObject({
      model: 'gpt-image-1',
      prompt: 'A watercolour otter by the sea',
      n: 1,
      size: '1024x1024',
      quality: 'medium',
    })
    // The provider leaves the answer format to the server's default (b64_json for gpt-image models).
    expect(body.response_format).toBeUndefined()
  })

  it('draws the avatar purpose through the same endpoint', async () => {
    const provider = createOpenAIProvider(openaiConfig())
    const image = await provider.drawImage('A portrait of a smiling child', live(), 'avatar')
    expect(image.contentType).toBe('image/png')
    expect(isPng(image.bytes)).toBe(true)
  })

  it('refuses image bytes that are not an image, as a transient failure worth another try', async () => {
    fake.configure({ failNext: ['malformed'], scope: 'images' })
    const provider = createOpenAIProvider(openaiConfig())
    const error = await provider.drawImage('a meadow', live()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toMatchObject({ kind: 'transient', code: 'IMAGE_UNAVAILABLE' })
    const image = await provider.drawImage('a meadow', live())
    expect(isPng(image.bytes)).toBe(true)
    expect(image.contentType).toBe('image/png')
  })

  // The fake answers with a URL only when the request says response_format 'url', and our provider
  // never sends response_format, so the fake cannot be told to answer with a URL by configuration.
  // A small pass-through proxy in front of the fake adds response_format 'url' to image requests (and
  // can point the answer's URL elsewhere), so the download path runs end to end: SDK → proxy → fake,
  // then a real download from the fake's /files endpoint.
  describe('an answer with a URL instead of the bytes', () => {
    let proxy: Server
    let proxyBaseURL = ''
    let rewriteUrl: ((url: string) => string) | undefined

    beforeAll(async () => {
      proxy = createServer(async (req, res) => {
        const chunks: Buffer[] = []
        for await (const chunk of req) chunks.push(chunk as Buffer)
        let body = Buffer.concat(chunks).toString('utf8')
        if (req.url?.endsWith('/images/generations'))
          body = JSON.stringify({ ...JSON.parse(body), response_format: 'url' })
        const upstream = await fetch(`${fake.url}${req.url}`, {
          method: req.method ?? 'GET',
          headers: { 'content-type': 'application/json', authorization: req.headers.authorization ?? '' },
          ...(req.method === 'POST' ? { body } : {}),
        })
        let text = await upstream.text()
        if (rewriteUrl && upstream.ok) {
          const answer = JSON.parse(text) as { data: Array<{ url?: string }> }
          for (const item of answer.data) if (item.url) item.url = rewriteUrl(item.url)
          text = JSON.stringify(answer)
        }
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' })
        res.end(text)
      })
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
      proxyBaseURL = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/v1`
    })
    afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())))
    afterEach(() => {
      rewriteUrl = undefined
    })

    it('downloads the PNG from the URL, as image/png', async () => {
      const provider = createOpenAIProvider(openaiConfig({ OPENAI_BASE_URL: proxyBaseURL }))
      const image = await provider.drawImage('A watercolour otter by the sea', live())
      expect(image.contentType).toBe('image/png')
      expect(isPng(image.bytes)).toBe(true)
      expect(fake.calls.map((c) => `${c.method} ${c.path.replace(/[\w-]+\.png$/, '*.png')}`)).toEqual([
        'POST /v1/images/generations',
        'GET /files/*.png',
      ])
      expect((fake.calls[0]!.body as Record<string, unknown>).response_format).toBe('url')
      expect([image.usage]).toEqual([
        { kind: 'image', tokens: estimateTokens('A watercolour otter by the sea') + 1056 },
      ])
    })

    it('a URL that answers 404 → permanent IMAGE_UNAVAILABLE', async () => {
      rewriteUrl = (url) => url.replace(/\/files\/[\w-]+\.png$/, '/files/no-such-file.png')
      const provider = createOpenAIProvider(openaiConfig({ OPENAI_BASE_URL: proxyBaseURL }))
      const error = await rejection(() => provider.drawImage('a meadow', live()))
      expect(error).toBeInstanceOf(ProviderError)
      expect(error).toMatchObject({ kind: 'permanent', code: 'IMAGE_UNAVAILABLE', status: 404 })
    })

    it('a URL that is not an image → permanent IMAGE_UNAVAILABLE', async () => {
      rewriteUrl = () => `${fake.baseURL}/models`
      const provider = createOpenAIProvider(openaiConfig({ OPENAI_BASE_URL: proxyBaseURL }))
      const error = await rejection(() => provider.drawImage('a meadow', live()))
      expect(error).toMatchObject({ kind: 'permanent', code: 'IMAGE_UNAVAILABLE' })
      expect((error as Error).message).toContain('application/json')
    })
  })
})

describe('cancellation', () => {
  it('an AbortSignal aborts a non-streamed call that is still waiting for its answer', async () => {
    fake.configure({ textLatencyMs: 5000 })
    const provider = createOpenAIProvider(openaiConfig({ OPENAI_TIMEOUT_MS: '30000' }))
    const controller = new AbortController()
    const started = Date.now()
    setTimeout(() => controller.abort(), 200)
    const error = await rejection(() => collect(provider.writeStory(storyRequest('json', false), controller.signal)))
    expect(Date.now() - started).toBeLessThan(2000)
    // Left unclassified on purpose: a cancellation is not a provider failure.
    expect(error).toBeInstanceOf(OpenAI.APIUserAbortError)
    expect(fake.calls).toHaveLength(1)
  })

  it('an AbortSignal aborts an image call in flight', async () => {
    fake.configure({ imageLatencyMs: 5000 })
    const provider = createOpenAIProvider(openaiConfig({ OPENAI_TIMEOUT_MS: '30000' }))
    const controller = new AbortController()
    const started = Date.now()
    setTimeout(() => controller.abort(), 200)
    const error = await rejection(() => provider.drawImage('a meadow', controller.signal))
    expect(Date.now() - started).toBeLessThan(2000)
    expect(error).toBeInstanceOf(OpenAI.APIUserAbortError)
  })

  it('an already aborted signal makes no request at all', async () => {
    const provider = createOpenAIProvider(openaiConfig())
    const error = await rejection(() => collect(provider.writeStory(storyRequest('json', false), AbortSignal.abort())))
    expect(error).toBeInstanceOf(OpenAI.APIUserAbortError)
    expect(fake.calls).toHaveLength(0)
  })

  it('an AbortSignal stops a stream mid-way, and the story ends with an error, not a silent partial answer', async () => {
    fake.configure({ tokensPerSecond: 200 })
    const provider = createOpenAIProvider(openaiConfig({ OPENAI_TIMEOUT_MS: '30000' }))
    const controller = new AbortController()
    const pieces: string[] = []
    const started = Date.now()
    const outcome = await (async () => {
      try {
        for await (const piece of provider.writeStory(storyRequest('json', true), controller.signal)) {
          pieces.push(piece)
          if (pieces.length === 20) controller.abort()
        }
        return 'ended normally'
      } catch (error) {
        return error
      }
    })()
    expect(Date.now() - started).toBeLessThan(5000)
    // A 5-chapter story is well over a thousand tokens at 200 a second: the stream was cut short.
    expect(pieces.length).toBeLessThan(100)
    // The text that arrived is not a story; a caller must learn that it was aborted rather than
    // see the iteration end as if the answer were complete.
    expect(outcome).not.toBe('ended normally')
  })
})
