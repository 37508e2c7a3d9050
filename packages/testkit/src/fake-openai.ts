import { randomUUID } from 'node:crypto'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { loadStoryTemplates, type StoryTemplate } from '@dreamify/prompts'
import type { ChatRequestBody } from './chat-request.ts'
import {
  breakPoint,
  estimateTokens,
  imageUsage,
  malformedContent,
  type OutlineTask,
  outlineAnswer,
  outlineTask,
  promptText,
  replyContent,
  storyForRequest,
} from './chat-request.ts'
import { type ImageEditBody, readImageEdit, refuseImageEdit } from './fake-image-edits.ts'
import { createFakeModerations } from './fake-moderations.ts'
import { type FakeOpenAIOptions, settingsFrom } from './fake-openai-options.ts'
import type { Endpoint, FaultKind } from './faults.ts'
import { decideFault, ENDPOINT_PATHS } from './faults.ts'
import type { FixtureImage } from './fixtures.ts'
import { fixturesDir as defaultFixturesDir, loadFixtureImages, pickFixtureImages } from './fixtures.ts'
import { silentMp3 } from './mp3.ts'
import { ERRORS, readBody, sendFault, sendJson, sendTruncated } from './openai-errors.ts'
import { mulberry32 } from './random.ts'
import { FIXTURE_PICTURE_NAMES, renderFixturePng } from './scenes/index.ts'
import { chatChunk, delay, splitIntoTokens, writeChatStream } from './sse.ts'

export type { FakeOpenAIOptions }

export interface RecordedCall {
  method: string
  path: string
  body: unknown
  at: number
  fault?: FaultKind
  /** what a chat answer reported it cost */
  usage?: { prompt_tokens: number; completion_tokens: number }
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

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const dir = options.fixturesDir ?? defaultFixturesDir
  const templates: StoryTemplate[] = loadStoryTemplates(join(dir, 'stories'))
  let images: FixtureImage[] = loadFixtureImages(join(dir, 'images'))
  const initial = settingsFrom(
    {
      textLatencyMs: 0,
      tokensPerSecond: 0,
      imageLatencyMs: 0,
      speechLatencyMs: 0,
      speech: true,
      scope: 'all',
      faults: {},
      failNext: [],
      seed: undefined,
      apiKey: undefined,
      imageResponseFormat: undefined,
      miscastNext: 0,
      failChapterNext: [],
      imageEdits: 'supported',
      breakAfterChapter: undefined,
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

  let rendering: Promise<FixtureImage[]> | null = null
  async function fixtureImages(): Promise<FixtureImage[]> {
    // Without a fixtures/images directory, render a few pictures once.
    if (images.length > 0) return images
    rendering ??= Promise.all(
      FIXTURE_PICTURE_NAMES.slice(0, 3).map(async (name) => ({ name, png: await renderFixturePng(name) })),
    )
    images = await rendering
    return images
  }

  // A chapter of an outlined story answers that chapter's text; with miscastNext, one that names a
  // character the outline's cast does not have.
  function chapterAnswer(body: ChatRequestBody, task: OutlineTask & { kind: 'chapter' }): string {
    const content = outlineAnswer(body, templates, task)
    if (settings.miscastNext <= 0) return content
    settings = { ...settings, miscastNext: settings.miscastNext - 1 }
    return `${content}\n\nAnd a little rabbit called Bartholomew Thistlewood waved goodnight from the hedge.`
  }

  async function chat(
    res: ServerResponse,
    body: ChatRequestBody,
    fault: FaultKind | null,
    signal: AbortSignal,
    call: RecordedCall,
  ): Promise<void> {
    if (!Array.isArray(body.messages) || body.messages.length === 0)
      return sendJson(res, 400, ERRORS.badRequest("Missing required parameter: 'messages'.", 'messages'))
    if (fault && sendFault(res, fault, settings.faults.retryAfterSeconds)) return
    const task = outlineTask(body)
    const story = storyForRequest(body, templates)
    const content =
      fault === 'malformed'
        ? malformedContent(body, malformedCount++)
        : task?.kind === 'chapter'
          ? chapterAnswer(body, task)
          : task
            ? outlineAnswer(body, templates, task)
            : replyContent(body, story)
    const tokens = splitIntoTokens(content)
    const promptTokens = estimateTokens(promptText(body)) + 4 * body.messages.length
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: tokens.length,
      total_tokens: promptTokens + tokens.length,
    }
    call.usage = { prompt_tokens: promptTokens, completion_tokens: tokens.length }
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
        ...(fault === 'break' ? { breakAfter: breakPoint(tokens, content, story, settings.breakAfterChapter) } : {}),
        ...(body.stream_options?.include_usage ? { usage } : {}),
        signal,
      })
      return
    }
    // Not streamed, the answer still takes as long as writing it does.
    if (settings.tokensPerSecond > 0) await delay((tokens.length / settings.tokensPerSecond) * 1000, signal)
    if (signal.aborted) return
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
    if (fault && sendFault(res, fault, settings.faults.retryAfterSeconds)) return
    await delay(settings.imageLatencyMs, signal)
    if (signal.aborted) return
    const n = Math.min(10, Math.max(1, Math.floor(Number(body.n ?? 1)) || 1))
    const inputImages = Array.isArray(body.images) ? body.images.length : 0
    const pngs =
      fault === 'malformed'
        ? Array.from({ length: n }, () => Buffer.from('this is not a png'))
        : pickFixtureImages(await fixtureImages(), prompt, n).map((i) => i.png)
    const data = pngs.map((png) => {
      if ((body.response_format ?? settings.imageResponseFormat) !== 'url') return { b64_json: png.toString('base64') }
      const id = randomUUID()
      files.set(id, png)
      return { url: `${url}/files/${id}.png` }
    })
    const answer = { created: Math.floor(Date.now() / 1000), data, usage: imageUsage(prompt, n, inputImages) }
    if (fault === 'break') return sendTruncated(res, 'application/json', JSON.stringify(answer))
    sendJson(res, 200, answer)
  }

  /**
   * /v1/audio/speech: a valid MP3 of silence, a second per 15 words of input (at most 10 s), so a
   * test can tell pieces apart by length. Faults as the other endpoints; `malformed` answers bytes
   * that are not audio, `break` cuts the file off mid-frame.
   */
  async function speech(
    res: ServerResponse,
    body: Record<string, unknown>,
    fault: FaultKind | null,
    signal: AbortSignal,
  ): Promise<void> {
    const input = typeof body.input === 'string' ? body.input : ''
    if (!input) return sendJson(res, 400, ERRORS.badRequest("Missing required parameter: 'input'.", 'input'))
    if (input.length > 4096)
      return sendJson(res, 400, ERRORS.badRequest('input: string too long, at most 4096 characters', 'input'))
    if (typeof body.voice !== 'string' || !body.voice)
      return sendJson(res, 400, ERRORS.badRequest("Missing required parameter: 'voice'.", 'voice'))
    if (fault && sendFault(res, fault, settings.faults.retryAfterSeconds)) return
    await delay(settings.speechLatencyMs, signal)
    if (signal.aborted) return
    const words = input.split(/\s+/).filter(Boolean).length
    const mp3 =
      fault === 'malformed' ? Buffer.from('this is not audio') : silentMp3(Math.min(10, Math.max(1, words / 15)))
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': mp3.length })
    if (fault === 'break')
      return void res.write(mp3.subarray(0, Math.floor(mp3.length / 2) + 7), () => res.socket?.destroy())
    res.end(mp3)
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
    const isEdit = method === 'POST' && path === '/v1/images/edits'
    let edit: ImageEditBody | Error | undefined
    if (isEdit) edit = await readImageEdit(req).catch((error: Error) => error)
    const raw = isEdit ? '' : await readBody(req)
    if (path.startsWith('/__')) return control(res, method, path, raw)

    let body: unknown = edit instanceof Error ? null : edit
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
    const endpoint: Endpoint | null = method === 'POST' ? (ENDPOINT_PATHS[path] ?? null) : null
    if (endpoint === 'moderations' && !moderations.enabled) return sendJson(res, 404, ERRORS.notFound(method, path))
    if (endpoint === 'speech' && !settings.speech) return sendJson(res, 404, ERRORS.notFound(method, path))
    if (!endpoint) return sendJson(res, 404, ERRORS.notFound(method, path))
    const refused = isEdit ? refuseImageEdit(settings.imageEdits, edit, path) : undefined
    if (refused) return sendJson(res, refused.status, refused.body)
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return sendJson(res, 400, ERRORS.badRequest('We could not parse the JSON body of your request.'))

    let fault = decideFault(settings, endpoint, random)
    // failChapterNext: the next call for each listed chapter (of any outlined story) answers 500.
    const task = endpoint === 'text' ? outlineTask(body as ChatRequestBody) : null
    if (!fault && task?.kind === 'chapter' && settings.failChapterNext.includes(task.number)) {
      const rest = [...settings.failChapterNext]
      rest.splice(rest.indexOf(task.number), 1)
      settings = { ...settings, failChapterNext: rest }
      fault = '500'
    }
    if (fault) call.fault = fault
    if (endpoint === 'text') await chat(res, body as ChatRequestBody, fault, aborter.signal, call)
    else if (endpoint === 'images') await generateImages(res, body as Record<string, unknown>, fault, aborter.signal)
    else if (endpoint === 'speech') await speech(res, body as Record<string, unknown>, fault, aborter.signal)
    else if (!fault || !sendFault(res, fault, settings.faults.retryAfterSeconds))
      moderations.answer(res, body as Record<string, unknown>, fault)
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
