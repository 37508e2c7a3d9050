import { type GeneratedImage, ProviderError } from '../provider.ts'

const DOWNLOAD_TIMEOUT_MS = 30_000
const MAX_IMAGE_BYTES = 20 * 1024 * 1024

/** Some servers answer with a URL instead of the bytes: fetched with a timeout, its status and type checked. */
export async function download(url: string, signal: AbortSignal): Promise<GeneratedImage> {
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

export function checkedImage(bytes: Buffer): GeneratedImage {
  const match = SIGNATURES.find(([, magic]) => magic.every((byte, i) => bytes[i] === byte))
  if (!match)
    throw new ProviderError(
      'transient',
      'IMAGE_UNAVAILABLE',
      'the provider sent bytes that are not a PNG, JPEG or WebP image',
    )
  return { bytes, contentType: match[0] }
}
