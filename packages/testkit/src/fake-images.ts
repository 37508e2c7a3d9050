import { randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { imageUsage } from './chat-request.ts'
import { type EndpointCall, type FakeState, sentFault } from './fake-openai-state.ts'
import { pickFixtureImages } from './fixtures.ts'
import { ERRORS, sendAnswer, sendJson, sendMissing } from './openai-errors.ts'
import { delay } from './sse.ts'

/**
 * /v1/images/generations and /v1/images/edits: fixture pictures picked by the prompt, as base64 or
 * (response_format url) stored and linked. `malformed` answers bytes that are not a PNG.
 */
export async function answerImages(state: FakeState, { res, body, fault, signal }: EndpointCall) {
  const prompt = typeof body.prompt === 'string' ? body.prompt : ''
  if (!prompt) return sendMissing(res, 'prompt')
  if (sentFault(state, res, fault)) return
  await delay(state.settings.imageLatencyMs, signal)
  if (signal.aborted) return
  const n = Math.min(10, Math.max(1, Math.floor(Number(body.n ?? 1)) || 1))
  const inputImages = Array.isArray(body.images) ? body.images.length : 0
  const pngs =
    fault === 'malformed'
      ? Array.from({ length: n }, () => Buffer.from('this is not a png'))
      : pickFixtureImages(await state.fixtureImages(), prompt, n).map((i) => i.png)
  const data = pngs.map((png) => {
    if ((body.response_format ?? state.settings.imageResponseFormat) !== 'url')
      return { b64_json: png.toString('base64') }
    const id = randomUUID()
    state.files.set(id, png)
    return { url: `${state.url}/files/${id}.png` }
  })
  sendAnswer(res, { created: Math.floor(Date.now() / 1000), data, usage: imageUsage(prompt, n, inputImages) }, fault)
}

/** GET /files/<id>.png: a picture an images answer linked to. */
export function sendStoredFile(state: FakeState, res: ServerResponse, id: string): void {
  const png = state.files.get(id)
  if (!png) return void sendJson(res, 404, ERRORS.badRequest('No such file.'))
  res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length })
  res.end(png)
}
