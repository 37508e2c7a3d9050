import { AppError, ImageParams, ImageQuery, notFound } from '@dreamify/core'
import { type Db, imageRepository } from '@dreamify/db'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import type { ImageUrlSigner } from '../lib/image-urls.ts'
import { errorResponses, imageAnswers } from '../lib/schema.ts'

/**
 * Images by signed URL: an <img src> cannot send a bearer token, so the URL itself is the
 * credential (an HMAC over the image id and expiry). Images never change, so they cache for good.
 */
export const imageRoutes = fp(
  (async (app, { db, images }) => {
    app.get('/images/:image_id', {
      schema: {
        tags: ['stories'],
        summary: 'An illustration or avatar, by the signed URL the API gave out',
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
        if (!images.verify(image_id, request.query.expires, request.query.sig)) {
          throw new AppError(
            'FORBIDDEN',
            'the image link is invalid or has expired; fetch the story again for a fresh one',
          )
        }
        const etag = `"${image_id}"`
        const cacheControl = `private, max-age=${Math.max(0, request.query.expires - Math.floor(Date.now() / 1000))}, immutable`
        if (request.headers['if-none-match'] === etag)
          return reply.status(304).header('etag', etag).header('cache-control', cacheControl).send()
        const image = await imageRepository.findForServing(db, image_id)
        if (!image) throw notFound('image')
        return reply
          .header('content-type', image.content_type)
          .header('content-length', image.byte_size)
          .header('etag', etag)
          .header('cache-control', cacheControl)
          .header('x-content-type-options', 'nosniff')
          .send(image.bytes)
      },
    })
  }) satisfies FastifyPluginAsyncTypebox<{ db: Db; images: ImageUrlSigner }>,
  { name: 'image-routes', dependencies: [], encapsulate: true },
)
