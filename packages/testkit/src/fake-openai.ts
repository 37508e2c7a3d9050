import { randomUUID } from 'node:crypto'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { answerChat } from './fake-chat.ts'
import { type ImageEditBody, readImageEdit, refuseImageEdit } from './fake-image-edits.ts'
import { answerImages, sendStoredFile } from './fake-images.ts'
import type { FakeOpenAIOptions } from './fake-openai-options.ts'
import {
  createFakeState,
  type EndpointCall,
  type FakeState,
  faultFor,
  type RecordedCall,
  sentFault,
} from './fake-openai-state.ts'
import { answerSpeech } from './fake-speech.ts'
import type { Endpoint } from './faults.ts'
import { ENDPOINT_PATHS } from './faults.ts'
import { ERRORS, readBody, sendJson } from './openai-errors.ts'

export type { FakeOpenAIOptions, RecordedCall }

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

/** Each endpoint's route; the fault is decided (and recorded) before the route runs. */
const ROUTES: Record<Endpoint, (state: FakeState, call: EndpointCall) => Promise<void>> = {
  text: answerChat,
  images: answerImages,
  speech: answerSpeech,
  moderations: async (state, { res, body, fault }) => {
    if (!sentFault(state, res, fault)) state.moderations.answer(res, body, fault)
  },
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const state = createFakeState(options)
  const open = new Set<ServerResponse>()

  function control(res: ServerResponse, method: string, path: string, raw: string): void {
    if (method === 'POST' && path === '/__control') {
      try {
        state.configure(raw ? (JSON.parse(raw) as Partial<FakeOpenAIOptions>) : {})
      } catch (err) {
        sendJson(res, 400, ERRORS.badRequest((err as Error).message))
        return
      }
      sendJson(res, 200, { ok: true, options: state.settings })
      return
    }
    if (method === 'POST' && path === '/__reset') {
      state.reset()
      sendJson(res, 200, { ok: true })
      return
    }
    if (method === 'GET' && path === '/__calls') {
      const counts: Record<string, number> = {}
      for (const c of state.calls) counts[c.path] = (counts[c.path] ?? 0) + 1
      sendJson(res, 200, { total: state.calls.length, counts, calls: state.calls })
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
    state.calls.push(call)

    const fileMatch = /^\/files\/([\w-]+)\.png$/.exec(path)
    if (method === 'GET' && fileMatch) return sendStoredFile(state, res, fileMatch[1]!)
    const { settings } = state
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
    if (endpoint === 'moderations' && !state.moderations.enabled)
      return sendJson(res, 404, ERRORS.notFound(method, path))
    if (endpoint === 'speech' && !settings.speech) return sendJson(res, 404, ERRORS.notFound(method, path))
    if (!endpoint) return sendJson(res, 404, ERRORS.notFound(method, path))
    const refused = isEdit ? refuseImageEdit(settings.imageEdits, edit, path) : undefined
    if (refused) return sendJson(res, refused.status, refused.body)
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return sendJson(res, 400, ERRORS.badRequest('We could not parse the JSON body of your request.'))

    const fields = body as Record<string, unknown>
    const fault = faultFor(state, endpoint, fields)
    if (fault) call.fault = fault
    await ROUTES[endpoint](state, { res, body: fields, fault, signal: aborter.signal, call })
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
  state.url = `http://${host}:${address.port}`

  return {
    url: state.url,
    baseURL: `${state.url}/v1`,
    calls: state.calls,
    configure: state.configure,
    reset: state.reset,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
