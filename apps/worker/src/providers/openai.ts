import type { Config } from '@dreamify/core'
import { outlineResponseFormat, storyContinuationResponseFormat, storyResponseFormat } from '@dreamify/prompts'
import OpenAI, { toFile } from 'openai'
import { SPEECH_INPUT_LIMIT, splitForSpeech } from '../narration/split.ts'
import {
  type GeneratedImage,
  type GeneratedSpeech,
  type GenerationProvider,
  type ImageReference,
  ProviderError,
  type StoryRequest,
  type TextRequest,
  type Usage,
} from './provider.ts'

type OpenAIConfig = Config['generation']['openai']

const DOWNLOAD_TIMEOUT_MS = 30_000
/** How the narrator reads (gpt-4o-mini-tts and later take `instructions`; older models ignore them). */
export const BEDTIME_INSTRUCTIONS =
  'You are reading a bedtime story to a young child. Speak slowly, softly and calmly, with warmth, ' +
  'gentle pauses between sentences, and a quiet, sleepy tone that grows softer towards the end.'
// An MP3 answer starts with an ID3 tag or an MPEG frame sync.
const isMp3 = (bytes: Buffer) =>
  bytes.length > 3 && (bytes.toString('latin1', 0, 3) === 'ID3' || (bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0))
const MAX_IMAGE_BYTES = 20 * 1024 * 1024

export interface OpenAIProviderOptions {
  /** told once when the server turns image edits down */
  logger?: { warn(details: object, message: string): void }
}

/**
 * The official SDK against OpenAI or any OpenAI-compatible server. The SDK's own retries are off:
 * retrying and pausing on 429 are the queue's job, shared by every worker.
 */
export function createOpenAIProvider(config: OpenAIConfig, options: OpenAIProviderOptions = {}): GenerationProvider {
  const client = new OpenAI({
    apiKey: config.apiKey ?? null,
    baseURL: config.baseURL ?? null,
    timeout: config.timeoutMs,
    maxRetries: 0,
  })
  /** One chat call, streamed or not: yields the answer as it arrives and returns what it cost. */
  async function* chat(
    request: { messages: { system: string; user: string }; stream: boolean },
    responseFormat: OpenAI.ResponseFormatJSONSchema | undefined,
    signal: AbortSignal,
  ): AsyncGenerator<string, Usage | undefined, undefined> {
    const body = {
      model: config.textModel,
      messages: [
        { role: 'system' as const, content: request.messages.system },
        { role: 'user' as const, content: request.messages.user },
      ],
      ...(responseFormat ? { response_format: responseFormat } : {}),
    }
    let tokens = 0
    try {
      if (!request.stream) {
        const completion = await client.chat.completions.create({ ...body, stream: false }, { signal })
        tokens = completion.usage?.total_tokens ?? 0
        const message = completion.choices[0]?.message
        if (message?.refusal) throw new ProviderError('permanent', 'PROVIDER_REFUSED', message.refusal)
        yield message?.content ?? ''
        return usageOf('text', tokens)
      }
      const stream = await client.chat.completions.create(
        { ...body, stream: true, stream_options: { include_usage: true } },
        { signal },
      )
      for await (const chunk of stream) {
        if (chunk.usage) tokens += chunk.usage.total_tokens
        const delta = chunk.choices[0]?.delta
        if (delta?.refusal) throw new ProviderError('permanent', 'PROVIDER_REFUSED', delta.refusal)
        if (delta?.content) yield delta.content
      }
      // The SDK ends an aborted stream quietly; a cut-off story must not pass for a whole one.
      signal.throwIfAborted()
      return usageOf('text', tokens)
    } catch (error) {
      throw costing(classify(error), usageOf('text', tokens))
    }
  }

  // Per process: once the server says it has no image edits, every later picture is drawn from words.
  let drawsFromReference = config.imageReference === 'auto'

  /** The picture of an images answer, as bytes or downloaded from its URL, with what it cost. */
  async function pictureOf(response: OpenAI.ImagesResponse, signal: AbortSignal): Promise<GeneratedImage> {
    const usage = usageOf('image', response.usage?.total_tokens)
    try {
      const image = response.data?.[0]
      if (image?.b64_json) return { ...checkedImage(Buffer.from(image.b64_json, 'base64')), usage }
      if (image?.url) return { ...checkedImage((await download(image.url, signal)).bytes), usage }
      throw new ProviderError('transient', 'IMAGE_UNAVAILABLE', 'the image answer held neither b64_json nor url')
    } catch (error) {
      throw costing(error, usage)
    }
  }

  /** `images.edit` with the reference picture first; input_fidelity high where the model takes it. */
  async function drawFromReference(reference: ImageReference, signal: AbortSignal): Promise<GeneratedImage> {
    const { bytes, contentType } = reference.image
    const extension = contentType.split('/')[1] ?? 'png'
    const response = await client.images.edit(
      {
        model: config.imageModel,
        prompt: reference.prompt,
        image: [await toFile(bytes, `reference.${extension}`, { type: contentType })],
        n: 1,
        size: config.imageSize as OpenAI.ImageEditParams['size'],
        quality: config.imageQuality as OpenAI.ImageEditParams['quality'],
        ...(takesHighFidelity(config.imageModel) ? { input_fidelity: 'high' as const } : {}),
      },
      { signal },
    )
    return pictureOf(response, signal)
  }

  return {
    name: 'openai',
    storyFormat: config.structuredOutput ? 'json' : 'tagged',
    // Without json_schema on the server, a non-English story is still asked for as JSON, in the prompt only.
    storyFormatFor: (language) => (config.structuredOutput || language !== 'en' ? 'json' : 'tagged'),
    drawsFromReference: () => drawsFromReference,

    writeStory(request: StoryRequest, signal: AbortSignal) {
      const format =
        request.format === 'json' && config.structuredOutput
          ? ((request.soFar
              ? storyContinuationResponseFormat(request.chapters, request.soFar.chapters.length + 1)
              : storyResponseFormat(request.chapters)) as unknown as OpenAI.ResponseFormatJSONSchema)
          : undefined
      return chat(request, format, signal)
    },

    writeText(request: TextRequest, signal: AbortSignal) {
      const format =
        request.purpose === 'outline' && config.structuredOutput
          ? (outlineResponseFormat(request.story.chapters) as unknown as OpenAI.ResponseFormatJSONSchema)
          : undefined
      return chat(request, format, signal)
    },

    async drawImage(prompt, signal, _purpose, reference): Promise<GeneratedImage> {
      if (reference && drawsFromReference) {
        try {
          return await drawFromReference(reference, signal)
        } catch (error) {
          if (!editsUnsupported(error)) throw classify(error)
          // Said once, by whichever drawing heard it first (others may have been in flight).
          if (drawsFromReference)
            options.logger?.warn(
              { status: error.status },
              'the image server has no image edits (/v1/images/edits): chapters are drawn from the description alone from now on',
            )
          drawsFromReference = false
        }
      }
      try {
        const response = await client.images.generate(
          {
            model: config.imageModel,
            prompt,
            n: 1,
            size: config.imageSize as OpenAI.ImageGenerateParams['size'],
            quality: config.imageQuality as OpenAI.ImageGenerateParams['quality'],
          },
          { signal },
        )
        return await pictureOf(response, signal)
      } catch (error) {
        throw classify(error)
      }
    },

    /**
     * Reads a chapter aloud. Text over the model's input limit is split at sentence boundaries, one
     * call per piece, in order; MP3 frames concatenate, so the pieces make one playable file.
     */
    async speak({ text, voice }, signal): Promise<GeneratedSpeech> {
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
    },
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

// gpt-image-1 and gpt-image-1.5 take input_fidelity "high"; gpt-image-1-mini takes only low, later models none.
const takesHighFidelity = (model: string) => /^gpt-image-1(?![\d]|-mini)/.test(model)

/** A server without image edits answers 404, or 400 with an `unsupported…` code. */
function editsUnsupported(error: unknown): error is InstanceType<typeof OpenAI.APIError> {
  if (!(error instanceof OpenAI.APIError)) return false
  if (error.status === 404) return true
  const code = String(error.code ?? (error.error as { type?: string } | undefined)?.type ?? '')
  return error.status === 400 && /unsupported/i.test(code)
}

const usageOf = (kind: Usage['kind'], tokens: number | undefined): Usage | undefined =>
  tokens ? { kind, tokens } : undefined

/** A failed call that was answered still cost its tokens: the failure carries them for the metrics. */
const costing = (error: unknown, usage: Usage | undefined) =>
  error instanceof ProviderError ? error.costing(usage) : error

/** Some servers answer with a URL instead of the bytes: fetched with a timeout, its status and type checked. */
async function download(url: string, signal: AbortSignal): Promise<GeneratedImage> {
  const response = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS)]) })
  if (!response.ok) {
    throw new ProviderError(
      response.status >= 500 ? 'transient' : 'permanent',
      'IMAGE_UNAVAILABLE',
      `image download answered ${response.status}`,
      { status: response.status },
    )
  }
  const contentType = response.headers.get('content-type')?.split(';')[0]?.trim() ?? ''
  if (!contentType.startsWith('image/'))
    throw new ProviderError(
      'permanent',
      'IMAGE_UNAVAILABLE',
      `image download has content type ${JSON.stringify(contentType)}`,
    )
  const bytes = Buffer.from(await response.arrayBuffer())
  if (bytes.length === 0 || bytes.length > MAX_IMAGE_BYTES)
    throw new ProviderError('permanent', 'IMAGE_UNAVAILABLE', `image download has ${bytes.length} bytes`)
  return { bytes, contentType }
}

// The bytes decide the type: a server that says PNG and sends something else is caught here.
const SIGNATURES: Array<[string, number[]]> = [
  ['image/png', [0x89, 0x50, 0x4e, 0x47]],
  ['image/jpeg', [0xff, 0xd8, 0xff]],
  ['image/webp', [0x52, 0x49, 0x46, 0x46]],
]

function checkedImage(bytes: Buffer): GeneratedImage {
  const match = SIGNATURES.find(([, magic]) => magic.every((byte, i) => bytes[i] === byte))
  if (!match)
    throw new ProviderError(
      'transient',
      'IMAGE_UNAVAILABLE',
      'the provider sent bytes that are not a PNG, JPEG or WebP image',
    )
  return { bytes, contentType: match[0] }
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'))
  if (Number.isFinite(ms) && ms > 0) return ms
  const seconds = headers?.get('retry-after')
  if (!seconds) return undefined
  const asNumber = Number(seconds)
  if (Number.isFinite(asNumber)) return asNumber * 1000
  const date = Date.parse(seconds)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

/** Maps the SDK's errors onto the queue's failure policy. */
export function classify(error: unknown): unknown {
  if (error instanceof ProviderError) return error
  if (error instanceof OpenAI.APIUserAbortError) return error
  if (error instanceof OpenAI.APIConnectionError) {
    return new ProviderError('transient', 'PROVIDER_UNAVAILABLE', `provider unreachable: ${error.message}`, {
      cause: error,
    })
  }
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? 0
    const code = (error.code ?? '') as string
    if (status === 429) {
      return new ProviderError('rate_limited', 'PROVIDER_UNAVAILABLE', 'provider rate limit', {
        status,
        retryAfterMs: retryAfterMs(error.headers) ?? 10_000,
        cause: error,
      })
    }
    if (status >= 500 || status === 408 || status === 409) {
      return new ProviderError('transient', 'PROVIDER_UNAVAILABLE', `provider answered ${status}`, {
        status,
        cause: error,
      })
    }
    if (status === 401 || status === 403)
      return new ProviderError('permanent', 'PROVIDER_AUTH', `provider refused our credentials (${status})`, {
        status,
        cause: error,
      })
    if (code === 'content_policy_violation' || /content.?policy|safety/i.test(error.message)) {
      return new ProviderError(
        'permanent',
        'PROVIDER_REFUSED',
        'the provider refused the request under its content policy',
        { status, cause: error },
      )
    }
    return new ProviderError(
      'permanent',
      'PROVIDER_REJECTED',
      `provider rejected the request (${status}): ${error.message}`,
      { status, cause: error },
    )
  }
  // A stream that broke off mid-way surfaces as a plain error from the body reader.
  if (error instanceof Error && /terminated|ECONNRESET|socket|aborted|premature/i.test(error.message)) {
    return new ProviderError('transient', 'PROVIDER_UNAVAILABLE', `provider connection broke: ${error.message}`, {
      cause: error,
    })
  }
  return error
}
