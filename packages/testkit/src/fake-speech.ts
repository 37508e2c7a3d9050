import { type EndpointCall, type FakeState, sentFault } from './fake-openai-state.ts'
import { silentMp3 } from './mp3.ts'
import { ERRORS, sendJson, sendMissing } from './openai-errors.ts'
import { delay } from './sse.ts'

/**
 * /v1/audio/speech: a valid MP3 of silence, a second per 15 words of input (at most 10 s), so a
 * test can tell pieces apart by length. Faults as the other endpoints; `malformed` answers bytes
 * that are not audio, `break` cuts the file off mid-frame.
 */
export async function answerSpeech(state: FakeState, { res, body, fault, signal }: EndpointCall) {
  const input = typeof body.input === 'string' ? body.input : ''
  if (!input) return sendMissing(res, 'input')
  if (input.length > 4096)
    return sendJson(res, 400, ERRORS.badRequest('input: string too long, at most 4096 characters', 'input'))
  if (typeof body.voice !== 'string' || !body.voice) return sendMissing(res, 'voice')
  if (sentFault(state, res, fault)) return
  await delay(state.settings.speechLatencyMs, signal)
  if (signal.aborted) return
  const words = input.split(/\s+/).filter(Boolean).length
  const mp3 =
    fault === 'malformed' ? Buffer.from('this is not audio') : silentMp3(Math.min(10, Math.max(1, words / 15)))
  res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': mp3.length })
  if (fault === 'break')
    return void res.write(mp3.subarray(0, Math.floor(mp3.length / 2) + 7), () => res.socket?.destroy())
  res.end(mp3)
}
