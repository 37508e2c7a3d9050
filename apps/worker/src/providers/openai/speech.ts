import OpenAI from 'openai'
import { SPEECH_INPUT_LIMIT, splitForSpeech } from '../../narration/split.ts'
import { type GeneratedSpeech, type GenerationProvider, ProviderError } from '../provider.ts'
import type { OpenAIConfig } from './client.ts'
import { classify } from './errors.ts'

/** How the narrator reads (gpt-4o-mini-tts and later take `instructions`; older models ignore them). */
export const BEDTIME_INSTRUCTIONS =
  'You are reading a bedtime story to a young child. Speak slowly, softly and calmly, with warmth, ' +
  'gentle pauses between sentences, and a quiet, sleepy tone that grows softer towards the end.'
// An MP3 answer starts with an ID3 tag or an MPEG frame sync.
const isMp3 = (bytes: Buffer) =>
  bytes.length > 3 && (bytes.toString('latin1', 0, 3) === 'ID3' || (bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0))

/**
 * Reads a chapter aloud. Text over the model's input limit is split at sentence boundaries, one
 * call per piece, in order; MP3 frames concatenate, so the pieces make one playable file.
 */
export function speakWith(client: OpenAI, config: OpenAIConfig): GenerationProvider['speak'] {
  return async ({ text, voice }, signal): Promise<GeneratedSpeech> => {
    const parts: Buffer[] = []
    for (const input of splitForSpeech(text, SPEECH_INPUT_LIMIT)) {
      try {
        const response = await client.audio.speech.create(
          {
            model: config.ttsModel,
            voice: voice as OpenAI.Audio.SpeechCreateParams['voice'],
            input,
            instructions: BEDTIME_INSTRUCTIONS,
            response_format: 'mp3',
          },
          { signal },
        )
        const bytes = Buffer.from(await response.arrayBuffer())
        if (!isMp3(bytes))
          throw new ProviderError('transient', 'NARRATION_UNAVAILABLE', 'the speech answer is not an MP3 file')
        parts.push(bytes)
      } catch (error) {
        throw classifySpeech(error)
      }
    }
    return { bytes: Buffer.concat(parts), contentType: 'audio/mpeg' }
  }
}

/** A server without /v1/audio/speech (404, 405, 501) cannot narrate: permanent, and said so. */
function classifySpeech(error: unknown): unknown {
  if (error instanceof OpenAI.APIError && [404, 405, 501].includes(error.status ?? 0))
    return new ProviderError(
      'permanent',
      'NARRATION_UNAVAILABLE',
      `the server has no speech endpoint (${error.status})`,
      {
        status: error.status,
        cause: error,
      },
    )
  return classify(error)
}
