import OpenAI, { toFile } from 'openai'
import { type GeneratedImage, type GenerationProvider, type ImageReference, ProviderError } from '../provider.ts'
import type { OpenAIConfig } from './client.ts'
import { classify, costing, usageOf } from './errors.ts'
import { checkedImage, download } from './image-bytes.ts'

export interface ImageOptions {
  /** told once when the server turns image edits down */
  logger?: { warn(details: object, message: string): void }
}

type Drawing = Pick<GenerationProvider, 'drawImage'> & { drawsFromReference(): boolean }

/** Pictures from `images.generate`, or from `images.edit` with a reference until the server says it has none. */
export function drawingWith(client: OpenAI, config: OpenAIConfig, options: ImageOptions): Drawing {
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
    drawsFromReference: () => drawsFromReference,

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
  }
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
