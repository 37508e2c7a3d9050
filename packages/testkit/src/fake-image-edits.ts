import { createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { Busboy } from '@fastify/busboy'
import { ERRORS, type OpenAIErrorBody } from './openai-errors.ts'

/** An input image an edit request carried, as the fake records it (its digest, not its bytes). */
export interface ReceivedImage {
  /** `image` for a single upload, `image[]` for each of several (as the openai SDK sends arrays) */
  field: string
  filename: string
  contentType: string
  bytes: number
  sha256: string
}

/** The recorded body of a POST /v1/images/edits: its text fields, and the images in the order sent. */
export interface ImageEditBody extends Record<string, unknown> {
  images: ReceivedImage[]
}

const MAX_FILE_BYTES = 50 * 1024 * 1024

/** What the fake answers to edits: drawn, 404 (a server without them) or 400 `unsupported`. */
export type ImageEditsMode = 'supported' | 'not_found' | 'unsupported'

export const isImageEditsMode = (value: unknown): value is ImageEditsMode =>
  value === 'supported' || value === 'not_found' || value === 'unsupported'

/** Reads a multipart/form-data edit request with busboy: `image` or `image[]` files, the rest as fields. */
export function readImageEdit(req: IncomingMessage): Promise<ImageEditBody> {
  return new Promise((resolve, reject) => {
    const contentType = req.headers['content-type'] ?? ''
    if (!contentType.startsWith('multipart/form-data')) {
      reject(new TypeError(`expected multipart/form-data, got ${JSON.stringify(contentType)}`))
      return
    }
    const body: ImageEditBody = { images: [] }
    const files: Array<Promise<void>> = []
    const parser = Busboy({
      headers: { ...req.headers, 'content-type': contentType },
      limits: { fileSize: MAX_FILE_BYTES },
    })
    parser.on('field', (name, value) => {
      body[name] = value
    })
    parser.on('file', (field, stream, filename, _encoding, mimeType) => {
      const hash = createHash('sha256')
      let bytes = 0
      const image: ReceivedImage = { field, filename, contentType: mimeType, bytes: 0, sha256: '' }
      if (field === 'image' || field === 'image[]') body.images.push(image)
      files.push(
        new Promise<void>((done, fail) => {
          stream.on('data', (chunk: Buffer) => {
            bytes += chunk.length
            hash.update(chunk)
          })
          stream.on('end', () => {
            image.bytes = bytes
            image.sha256 = hash.digest('hex')
            done()
          })
          stream.on('error', fail)
        }),
      )
    })
    parser.on('error', reject)
    parser.on('finish', () => {
      Promise.all(files).then(() => resolve(body), reject)
    })
    req.pipe(parser)
  })
}

/** The error an edit gets instead of a picture: the server has none (as told), or the request is unusable. */
export function refuseImageEdit(
  mode: ImageEditsMode,
  edit: ImageEditBody | Error | undefined,
  path: string,
): { status: number; body: OpenAIErrorBody } | undefined {
  if (mode === 'not_found') return { status: 404, body: ERRORS.notFound('POST', path) }
  if (mode === 'unsupported')
    return { status: 400, body: ERRORS.unsupported('Image edits are not supported by this server.') }
  if (edit instanceof Error) return { status: 400, body: ERRORS.badRequest(edit.message) }
  if (!edit || edit.images.length === 0)
    return { status: 400, body: ERRORS.badRequest("Missing required parameter: 'image'.", 'image') }
  return undefined
}
