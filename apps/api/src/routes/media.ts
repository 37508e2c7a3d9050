import { AppError, MediaParams, notFound, SignedUrlQuery } from '@dreamify/core'
import type { MediaBytes, MediaStores } from '@dreamify/media'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import { parseByteRange } from '../lib/byte-range.ts'
import { documentRoutes } from '../lib/route-docs.ts'
import { errorResponses, mediaAnswers } from '../lib/schema.ts'

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
 * Media by signed URL: an <img src> cannot send a bearer token, so the URL itself is the
 * credential (an HMAC over the media key and the expiry). With MEDIA_STORE=s3 the answers' URLs
 * are the store's presigned ones, and this route serves only what is still in Postgres.
 */
export const mediaRoutes = fp(
  (async (app, { media }) => {
    documentRoutes(app, { tags: ['stories'] })
    app.get('/media/:key', {
      schema: {
        summary: 'An illustration, one of its sizes, an avatar or a narration, by the signed URL the API gave out',
        params: MediaParams,
        querystring: SignedUrlQuery,
        description:
          'Answers the stored bytes with their Content-Type, an ETag, Cache-Control and Accept-Ranges; a single `Range: bytes=…` gets 206 with those bytes (416 past the end; several ranges, or an If-Range for another object, get it whole); 304 to a matching If-None-Match. Only for objects stored in Postgres (MEDIA_STORE=postgres; S3 answers ranges itself).',
        response: { ...mediaAnswers, ...errorResponses(403, 404) },
      },
      handler: async (request, reply) => {
        const { key } = request.params
        const { expires, sig } = request.query
        if (!media.route.verify(key, expires, sig)) throw refused()
        // The body is bytes, not a schema-described JSON document; the key is its ETag.
        return sendMedia(reply as FastifyReply, request, `"${key}"`, expires, () => media.byName('postgres').get(key))
      },
    })
  }) satisfies FastifyPluginAsyncTypebox<{ media: MediaStores }>,
  { name: 'media-routes', dependencies: [], encapsulate: true },
)
