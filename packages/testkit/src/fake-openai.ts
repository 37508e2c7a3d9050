import { randomUUID } from 'node:crypto'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { ChatRequestBody } from './chat-request.ts'
import { estimateTokens, malformedContent, promptText, replyContent, storyForRequest } from './chat-request.ts'
import { createFakeModerations, type FakeModerationOptions } from './fake-moderations.ts'
import type { Endpoint, FaultKind, FaultOptions, FaultScope } from './faults.ts'
import { decideFault, isFaultKind } from './faults.ts'
import type { FixtureImage } from './fixtures.ts'
import { fixturesDir as defaultFixturesDir, loadFixtureImages, pickFixtureImages } from './fixtures.ts'
import { ERRORS, sendJson } from './openai-errors.ts'
import { mulberry32 } from './random.ts'
import { FIXTURE_PICTURE_NAMES, renderFixturePng } from './scenes.ts'
import { chatChunk, delay, splitIntoTokens, writeChatStream } from './sse.ts'
import type { StoryTemplate } from './story-text.ts'
import { loadStoryTemplates } from './story-text.ts'

export interface FakeOpenAIOptions extends FakeModerationOptions {
  /** Listen port (only at start); 0 / unset = any free port. */
  port?: number
  /** Listen host (only at start); default 127.0.0.1. */
  host?: string
  /** Delay before a chat answer starts (non-streamed body, or the first streamed byte). */
  textLatencyMs?: number
  /** Streaming pace; 0 = as fast as possible. */
  tokensPerSecond?: number
  imageLatencyMs?: number
  faults?: FaultOptions
  /** Forced faults for the next in-scope calls, consumed one per call. */
  failNext?: FaultKind[]
  /** Which endpoints faults (random and failNext) apply to; default 'all'. */
  scope?: FaultScope
  /** Seed for fault draws; unset = Math.random. */
  seed?: number
  /** When set, requests without `Authorization: Bearer <apiKey>` get a 401. */
  apiKey?: string
  /** Directory with stories/ and images/ (only at start); default the repository's fixtures/. */
  fixturesDir?: string
  /** How images answer when the request names no response_format (some servers send URLs). */
  imageResponseFormat?: 'b64_json' | 'url'
}

export interface RecordedCall {
  method: string
  path: string
  body: unknown
  at: number
  fault?: FaultKind
}

export interface FakeOpenAI {
  /** http://127.0.0.1:PORT */
  url: string
  /** url + '/v1', for `new OpenAI({ baseURL })`. */
  baseURL: string
  /** Every request except the /__ control ones, oldest first (a live array). */
  calls: RecordedCall[]
  configure(options: Partial<FakeOpenAIOptions>): void
  /** Clears calls and stored files and restores the options given at start. */
  reset(): void
  close(): Promise<void>
}

type Settings = Required<Pick<FakeOpenAIOptions, 'textLatencyMs' | 'tokensPerSecond' | 'imageLatencyMs' | 'scope'>> & {
  faults: FaultOptions
  failNext: FaultKind[]
  seed: number | undefined
  apiKey: string | undefined
  imageResponseFormat: 'b64_json' | 'url' | undefined
}

const MAX_BODY = 20 * 1024 * 1024

function settingsFrom(base: Settings, patch: Partial<FakeOpenAIOptions>): Settings {
  const next: Settings = { ...base, faults: { ...base.faults, ...patch.faults }, failNext: [...base.failNext] }
  if (patch.textLatencyMs !== undefined) next.textLatencyMs = Math.max(0, Number(patch.textLatencyMs))
  if (patch.tokensPerSecond !== undefined) next.tokensPerSecond = Math.max(0, Number(patch.tokensPerSecond))
  if (patch.imageLatencyMs !== undefined) next.imageLatencyMs = Math.max(0, Number(patch.imageLatencyMs))
  if (patch.scope !== undefined) {
    if (!['text', 'images', 'moderations', 'all'].includes(patch.scope))
      throw new Error(`invalid scope ${String(patch.scope)}`)
    next.scope = patch.scope
  }
  if (patch.failNext !== undefined) {
    if (!Array.isArray(patch.failNext) || !patch.failNext.every(isFaultKind))
      throw new Error(`invalid failNext ${JSON.stringify(patch.failNext)}`)
    next.failNext = [...patch.failNext]
  }
  if ('seed' in patch) next.seed = patch.seed
  if ('apiKey' in patch) next.apiKey = patch.apiKey
  if ('imageResponseFormat' in patch) next.imageResponseFormat = patch.imageResponseFormat
  return next
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) reject(new Error('body too large'))
      else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** Sends `text` with its full Content-Length but only half the bytes, then kills the socket. */
function sendTruncated(res: ServerResponse, contentType: string, text: string): void {
  const bytes = Buffer.from(text)
  res.writeHead(200, { 'content-type': contentType, 'content-length': bytes.length })
  res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy())
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const dir = options.fixturesDir ?? defaultFixturesDir
  const templates: StoryTemplate[] = loadStoryTemplates(join(dir, 'stories'))
  let images: FixtureImage[] = loadFixtureImages(join(dir, 'images'))
  const initial = settingsFrom(
    {
      textLatencyMs: 0,
      tokensPerSecond: 0,
      imageLatencyMs: 0,
      scope: 'all',
      faults: {},
      failNext: [],
      seed: undefined,
      apiKey: undefined,
      imageResponseFormat: undefined,
    },
    options,
  )
  let settings = initial
  const moderations = createFakeModerations(options)
  let random: () => number = Math.random
  const reseed = (): void => {
    random = settings.seed === undefined ? Math.random : mulberry32(settings.seed)
  }
  reseed()

  const calls: RecordedCall[] = []
  const files = new Map<string, Buffer>()
  const open = new Set<ServerResponse>()
  let malformedCount = 0
  let url = ''

  const configure = (patch: Partial<FakeOpenAIOptions>): void => {
    settings = settingsFrom(settings, patch)
    moderations.configure(patch)
    if ('seed' in patch) reseed()
  }
  const reset = (): void => {
    calls.length = 0
    files.clear()
    malformedCount = 0
    settings = settingsFrom(initial, {})
    moderations.reset()
    reseed()
  }

  function fixtureImages(): FixtureImage[] {
    // Without a fixtures/images directory, paint a few pictures once.
    if (images.length === 0)
      images = FIXTURE_PICTURE_NAMES.slice(0, 3).map((name) => ({ name, png: renderFixturePng(name) }))
    return images
  }

  /** Sends the error for an HTTP-level fault; returns false for faults handled by the caller. */
  function sendFault(res: ServerResponse, fault: FaultKind): boolean {
    switch (fault) {
      case '429': {
        const seconds = settings.faults.retryAfterSeconds ?? 1
        sendJson(res, 429, ERRORS.rateLimit(seconds), {
          'retry-after': String(Math.ceil(seconds)),
          'retry-after-ms': String(Math.round(seconds * 1000)),
        })
        return true
      }
      case '500':
        sendJson(res, 500, ERRORS.server())
        return true
      case '401':
        sendJson(res, 401, ERRORS.invalidApiKey())
        return true
      case 'refusal':
        sendJson(res, 400, ERRORS.contentPolicy())
        return true
      case 'hang':
        return true // never answered: the client aborts, or close() destroys the socket
      default:
        return false
    }
  }

  async function chat(
    res: ServerResponse,
    body: ChatRequestBody,
    fault: FaultKind | null,
    signal: AbortSignal,
  ): Promise<void> {
    if (!Array.isArray(body.messages) || body.messages.length === 0)
      return sendJson(res, 400, ERRORS.badRequest("Missing required parameter: 'messages'.", 'messages'))
    if (fault && sendFault(res, fault)) return
    const content =
      fault === 'malformed'
        ? malformedContent(body, malformedCount++)
        : replyContent(body, storyForRequest(body, templates))
    const tokens = splitIntoTokens(content)
    const promptTokens = estimateTokens(promptText(body)) + 4 * body.messages.length
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: tokens.length,
      total_tokens: promptTokens + tokens.length,
    }
    const meta = {
      id: `chatcmpl-${randomUUID().replace(/-/g, '')}`,
      created: Math.floor(Date.now() / 1000),
      model: body.model ?? 'gpt-fake',
    }
    await delay(settings.textLatencyMs, signal)
    if (signal.aborted) return
    if (body.stream) {
      await writeChatStream(res, {
        meta,
        tokens,
        tokensPerSecond: settings.tokensPerSecond,
        ...(fault === 'break' ? { breakAfter: Math.floor(tokens.length / 2) } : {}),
        ...(body.stream_options?.include_usage ? { usage } : {}),
        signal,
      })
      return
    }
    const completion = {
      ...chatChunk(meta, {}, null),
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage,
    }
    if (fault === 'break') return sendTruncated(res, 'application/json', JSON.stringify(completion))
    sendJson(res, 200, completion)
  }

  async function generateImages(
    res: ServerResponse,
    body: Record<string, unknown>,
    fault: FaultKind | null,
    signal: AbortSignal,
  ): Promise<void> {
    const prompt = typeof body.prompt === 'string' ? body.prompt : ''
    if (!prompt) return sendJson(res, 400, ERRORS.badRequest("Missing required parameter: 'prompt'.", 'prompt'))
    if (fault && sendFault(res, fault)) return
    await delay(settings.imageLatencyMs, signal)
    if (signal.aborted) return
    const n = Math.min(10, Math.max(1, Math.floor(Number(body.n ?? 1)) || 1))
    const pngs =
      fault === 'malformed'
        ? Array.from({ length: n }, () => Buffer.from('this is not a png'))
        : pickFixtureImages(fixtureImages(), prompt, n).map((i) => i.png)
    const data = pngs.map((png) => {
      if ((body.response_format ?? settings.imageResponseFormat) !== 'url') return { b64_json: png.toString('base64') }
      const id = randomUUID()
      files.set(id, png)
      return { url: `${url}/files/${id}.png` }
    })
    const inputTokens = estimateTokens(prompt)
    const outputTokens = 1056 * n
    const answer = {
      created: Math.floor(Date.now() / 1000),
      data,
      usage: {
        input_tokens: inputTokens,
        output_tokens: outputTokens,
        total_tokens: inputTokens + outputTokens,
        input_tokens_details: { text_tokens: inputTokens, image_tokens: 0 },
      },
    }
    if (fault === 'break') return sendTruncated(res, 'application/json', JSON.stringify(answer))
    sendJson(res, 200, answer)
  }

  function control(res: ServerResponse, method: string, path: string, raw: string): void {
    if (method === 'POST' && path === '/__control') {
      try {
        configure(raw ? (JSON.parse(raw) as Partial<FakeOpenAIOptions>) : {})
      } catch (err) {
        sendJson(res, 400, ERRORS.badRequest((err as Error).message))
        return
      }
      sendJson(res, 200, { ok: true, options: settings })
      return
    }
    if (method === 'POST' && path === '/__reset') {
      reset()
      sendJson(res, 200, { ok: true })
      return
    }
    if (method === 'GET' && path === '/__calls') {
      const counts: Record<string, number> = {}
      for (const c of calls) counts[c.path] = (counts[c.path] ?? 0) + 1
      sendJson(res, 200, { total: calls.length, counts, calls })
      return
    }
    if (method === 'GET' && path === '/__health') sendJson(res, 200, { ok: true })
    else sendJson(res, 404, ERRORS.notFound(method, path))
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    const path = new URL(req.url ?? '/', 'http://fake').pathname.replace(/\/+$/, '') || '/'
    const aborter = new AbortController()
    open.add(res)
    res.on('close', () => {
      open.delete(res)
      aborter.abort()
    })
    const raw = await readBody(req)
    if (path.startsWith('/__')) return control(res, method, path, raw)

    let body: unknown = null
    if (raw) {
      try {
        body = JSON.parse(raw)
      } catch {
        body = raw
      }
    }
    const call: RecordedCall = { method, path, body, at: Date.now() }
    calls.push(call)

    const fileMatch = /^\/files\/([\w-]+)\.png$/.exec(path)
    if (method === 'GET' && fileMatch) {
      const png = files.get(fileMatch[1]!)
      if (!png) return sendJson(res, 404, ERRORS.badRequest('No such file.'))
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length })
      return void res.end(png)
    }
    if (settings.apiKey !== undefined && req.headers.authorization !== `Bearer ${settings.apiKey}`)
      return sendJson(res, 401, ERRORS.invalidApiKey())
    if (method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, {
        object: 'list',
        data: ['gpt-fake', 'gpt-image-fake'].map((id) => ({
          id,
          object: 'model',
          created: 0,
          owned_by: 'dreamify-testkit',
        })),
      })
    }
    const endpoint: Endpoint | null =
      method !== 'POST'
        ? null
        : path === '/v1/chat/completions'
          ? 'text'
          : path === '/v1/images/generations'
            ? 'images'
            : path === '/v1/moderations' && moderations.enabled
              ? 'moderations'
              : null
    if (!endpoint) return sendJson(res, 404, ERRORS.notFound(method, path))
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return sendJson(res, 400, ERRORS.badRequest('We could not parse the JSON body of your request.'))

    const fault = decideFault(settings, endpoint, random)
    if (fault) call.fault = fault
    if (endpoint === 'text') await chat(res, body as ChatRequestBody, fault, aborter.signal)
    else if (endpoint === 'images') await generateImages(res, body as Record<string, unknown>, fault, aborter.signal)
    else if (!fault || !sendFault(res, fault)) moderations.answer(res, body as Record<string, unknown>, fault)
  }

  const server: Server = createServer((req, res) => {
    res.setHeader('x-request-id', `req_${randomUUID().replace(/-/g, '')}`)
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, ERRORS.server())
      else res.destroy(err instanceof Error ? err : undefined)
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  url = `http://${host}:${address.port}`

  return {
    url,
    baseURL: `${url}/v1`,
    calls,
    configure,
    reset,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
