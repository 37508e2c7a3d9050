import { AppError, ImageParams, ImageQuery, MediaParams, notFound } from '@dreamify/core'
import type { Db } from '@dreamify/db'
import { type MediaBytes, type MediaStores, readImageOriginal } from '@dreamify/media'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import { parseByteRange } from '../lib/byte-range.ts'
import type { ImageUrlSigner } from '../lib/image-urls.ts'
import { documentRoutes } from '../lib/route-docs.ts'
import { errorResponses, imageAnswers, mediaAnswers } from '../lib/schema.ts'

const refused = () =>
  new AppError('FORBIDDEN', 'the image link is invalid or has expired; fetch the story again for a fresh one')

/**
 * Answers an object's bytes, or 304 to a matching If-None-Match: media objects never change. A
 * single `Range` gets 206 with exactly those bytes (browsers seek narration with ranges, and Safari
 * plays no audio without them), 416 when it starts past the end; several ranges, or an If-Range
 * naming another object, get the whole object.
 */
function sendMedia(
  reply: FastifyReply,
  request: { headers: Record<string, unknown> },
  etag: string,
  expires: number,
  load: () => Promise<MediaBytes | undefined>,
) {
  const cacheControl = `private, max-age=${Math.max(0, expires - Math.floor(Date.now() / 1000))}, immutable`
  reply.header('etag', etag).header('cache-control', cacheControl).header('accept-ranges', 'bytes')
  if (request.headers['if-none-match'] === etag) return reply.status(304).send()
  return load().then((media) => {
    if (!media) throw notFound('image')
    const size = media.bytes.length
    reply.header('content-type', media.contentType).header('x-content-type-options', 'nosniff')
    const ifRange = request.headers['if-range']
    const rangeHeader = request.headers.range
    const range =
      (ifRange === undefined || ifRange === etag) && typeof rangeHeader === 'string'
        ? parseByteRange(rangeHeader, size)
        : undefined
    if (range === 'unsatisfiable') return reply.status(416).header('content-range', `bytes */${size}`).send()
    if (!range) return reply.header('content-length', size).send(media.bytes)
    const part = media.bytes.subarray(range.start, range.end + 1)
    return reply
      .status(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
      .header('content-length', part.length)
      .send(part)
  })
}

/**
 * Answers what a signed link names (`id`: a media key or an image id), once its signature and
 * expiry check out, with the id as its ETag.
 */
function sendSigned(
  typedReply: unknown,
  request: { headers: Record<string, unknown>; query: { expires: number; sig: string } },
  signer: { verify(id: string, expires: number, sig: string): boolean },
  id: string,
  load: () => Promise<MediaBytes | undefined>,
) {
  if (!signer.verify(id, request.query.expires, request.query.sig)) throw refused()
  // The body is bytes, not a schema-described JSON document.
  return sendMedia(typedReply as FastifyReply, request, `"${id}"`, request.query.expires, load)
}

/**
 * Media by signed URL: an <img src> cannot send a bearer token, so the URL itself is the
 * credential (an HMAC over the key, or the image id, and the expiry). With MEDIA_STORE=s3 the
 * answers' URLs are the store's presigned ones and these routes serve only what is still in
 * Postgres (and links given out before).
 */
export const imageRoutes = fp(
  (async (app, { db, images, media }) => {
    documentRoutes(app, { tags: ['stories'] })
    app.get('/media/:key', {
      schema: {
        summary: 'An illustration, one of its sizes, an avatar or a narration, by the signed URL the API gave out',
        params: MediaParams,
        querystring: ImageQuery,
        description:
          'Answers the stored bytes with their Content-Type, an ETag, Cache-Control and Accept-Ranges; a single `Range: bytes=…` gets 206 with those bytes (416 past the end; several ranges, or an If-Range for another object, get it whole); 304 to a matching If-None-Match. Only for objects stored in Postgres (MEDIA_STORE=postgres; S3 answers ranges itself).',
        response: { ...mediaAnswers, ...errorResponses(403, 404) },
      },
      handler: async (request, reply) =>
        sendSigned(reply, request, media.route, request.params.key, () =>
          media.byName('postgres').get(request.params.key),
        ),
    })

    app.get('/images/:image_id', {
      schema: {
        summary: 'An illustration or avatar (its original), by a signed URL the API gave out before media keys',
        params: ImageParams,
        querystring: ImageQuery,
        description:
          'Answers the stored bytes with their Content-Type, an ETag and Cache-Control; 304 to a matching If-None-Match.',
        response: { ...imageAnswers, ...errorResponses(403, 404) },
      },
      handler: async (request, reply) =>
        sendSigned(reply, request, images, request.params.image_id, () =>
          readImageOriginal(db, media, request.params.image_id),
        ),
    })
  }) satisfies FastifyPluginAsyncTypebox<{ db: Db; images: ImageUrlSigner; media: MediaStores }>,
  { name: 'image-routes', dependencies: [], encapsulate: true },
)
