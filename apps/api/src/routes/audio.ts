import { AppError, AudioParams, ImageQuery, notFound } from '@dreamify/core'
import { type Db, narrationRepository } from '@dreamify/db'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import { parseByteRange } from '../lib/byte-range.ts'
import type { ImageUrlSigner } from '../lib/image-urls.ts'
import { audioAnswers, errorResponses } from '../lib/schema.ts'

/**
 * Narration by signed URL, served like images (an <audio src> cannot send a bearer token either),
 * and in parts: browsers seek with Range requests, and Safari will not play audio without 206.
 */
export const audioRoutes = fp(
  (async (app, { db, images }) => {
    app.get('/audio/:audio_id', {
      schema: {
        tags: ['stories'],
        summary: "A chapter's narration, by the signed URL the API gave out",
        params: AudioParams,
        querystring: ImageQuery,
        description:
          'Answers the MP3 with an ETag, Cache-Control and Accept-Ranges; a single `Range: bytes=…` gets 206 with those bytes (416 beyond the end, the whole file for several ranges or a stale If-Range); 304 to a matching If-None-Match.',
        response: { ...audioAnswers, ...errorResponses(400, 403, 404) },
      },
      handler: async (request, typedReply) => {
        const reply = typedReply as unknown as FastifyReply
        const { audio_id } = request.params
        if (!images.verifyAudio(audio_id, request.query.expires, request.query.sig)) {
          throw new AppError(
            'FORBIDDEN',
            'the audio link is invalid or has expired; fetch the story again for a fresh one',
          )
        }
        const etag = `"${audio_id}"`
        const cacheControl = `private, max-age=${Math.max(0, request.query.expires - Math.floor(Date.now() / 1000))}, immutable`
        reply.header('etag', etag).header('cache-control', cacheControl).header('accept-ranges', 'bytes')
        if (request.headers['if-none-match'] === etag) return reply.status(304).send()
        const audio = await narrationRepository.findForServing(db, audio_id)
        if (!audio) throw notFound('audio')
        reply.header('content-type', audio.content_type).header('x-content-type-options', 'nosniff')
        // If-Range with another validator: the client's part is of another file, so send this whole.
        const ifRange = request.headers['if-range']
        const range =
          ifRange === undefined || ifRange === etag ? parseByteRange(request.headers.range, audio.byte_size) : undefined
        if (range === 'unsatisfiable')
          return reply.status(416).header('content-range', `bytes */${audio.byte_size}`).send()
        if (!range) return reply.header('content-length', audio.byte_size).send(audio.bytes)
        const part = audio.bytes.subarray(range.start, range.end + 1)
        return reply
          .status(206)
          .header('content-range', `bytes ${range.start}-${range.end}/${audio.byte_size}`)
          .header('content-length', part.length)
          .send(part)
      },
    })
  }) satisfies FastifyPluginAsyncTypebox<{ db: Db; images: ImageUrlSigner }>,
  { name: 'audio-routes', dependencies: [], encapsulate: true },
)
