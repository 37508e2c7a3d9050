import { AppError, ImageParams, ImageQuery, MediaParams, notFound } from '@dreamify/core'
import { type Db, imageRepository } from '@dreamify/db'
import type { MediaBytes, MediaStores } from '@dreamify/media'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import type { ImageUrlSigner } from '../lib/image-urls.ts'
import { errorResponses, imageAnswers } from '../lib/schema.ts'

const refused = () =>
  new AppError('FORBIDDEN', 'the image link is invalid or has expired; fetch the story again for a fresh one')

/** Answers an object's bytes, or 304 to a matching If-None-Match: media objects never change. */
function sendMedia(
  reply: FastifyReply,
  request: { headers: Record<string, unknown> },
  etag: string,
  expires: number,
  load: () => Promise<MediaBytes | undefined>,
) {
  const cacheControl = `private, max-age=${Math.max(0, expires - Math.floor(Date.now() / 1000))}, immutable`
  if (request.headers['if-none-match'] === etag)
    return reply.status(304).header('etag', etag).header('cache-control', cacheControl).send()
  return load().then((media) => {
    if (!media) throw notFound('image')
    return reply
      .header('content-type', media.contentType)
      .header('content-length', media.bytes.length)
      .header('etag', etag)
      .header('cache-control', cacheControl)
      .header('x-content-type-options', 'nosniff')
      .send(media.bytes)
  })
}

/**
 * Media by signed URL: an <img src> cannot send a bearer token, so the URL itself is the
 * credential (an HMAC over the key, or the image id, and the expiry). With MEDIA_STORE=s3 the
 * answers' URLs are the store's presigned ones and these routes serve only what is still in
 * Postgres (and links given out before).
 */
export const imageRoutes = fp(
  (async (app, { db, images, media }) => {
    app.get('/media/:key', {
      schema: {
        tags: ['stories'],
        summary: 'An illustration, one of its sizes, or an avatar, by the signed URL the API gave out',
        params: MediaParams,
        querystring: ImageQuery,
        description:
          'Answers the stored bytes with their Content-Type, an ETag and Cache-Control; 304 to a matching If-None-Match. Only for objects stored in Postgres (MEDIA_STORE=postgres).',
        response: { ...imageAnswers, ...errorResponses(400, 403, 404) },
      },
      handler: async (request, typedReply) => {
        const reply = typedReply as unknown as FastifyReply
        const { key } = request.params
        if (!media.route.verify(key, request.query.expires, request.query.sig)) throw refused()
        return sendMedia(reply, request, `"${key}"`, request.query.expires, () => media.byName('postgres').get(key))
      },
    })

    app.get('/images/:image_id', {
      schema: {
        tags: ['stories'],
        summary: 'An illustration or avatar (its original), by a signed URL the API gave out before media keys',
        params: ImageParams,
        querystring: ImageQuery,
        description:
          'Answers the stored bytes with their Content-Type, an ETag and Cache-Control; 304 to a matching If-None-Match.',
        response: { ...imageAnswers, ...errorResponses(400, 403, 404) },
      },
      handler: async (request, typedReply) => {
        // The body is bytes, not a schema-described JSON document.
        const reply = typedReply as unknown as FastifyReply
        const { image_id } = request.params
        if (!images.verify(image_id, request.query.expires, request.query.sig)) throw refused()
        return sendMedia(reply, request, `"${image_id}"`, request.query.expires, async () => {
          const original = await imageRepository.findOriginal(db, image_id)
          return original ? media.byName(original.store).get(original.key) : undefined
        })
      },
    })
  }) satisfies FastifyPluginAsyncTypebox<{ db: Db; images: ImageUrlSigner; media: MediaStores }>,
  { name: 'image-routes', dependencies: [], encapsulate: true },
)
