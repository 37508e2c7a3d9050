import {
  Chapter,
  Child,
  ErrorResponse,
  Job,
  Parent,
  refTo,
  Session,
  Story,
  StorySummary,
  TokenResponse,
} from '@dreamify/core'
import type { FastifyInstance } from 'fastify'

/**
 * The schemas that routes and other schemas refer to by `$id` (refTo). Each is registered once, on
 * the root instance before any route plugin, so that every scope's response serialiser resolves it,
 * and @fastify/swagger makes each one component of the OpenAPI document, named by its `$id`. Request
 * schemas do not refer to them: validation.ts compiles with Ajv instances of its own.
 */
const SHARED_SCHEMAS = [ErrorResponse, Parent, TokenResponse, Session, Child, Job, Chapter, Story, StorySummary]

export function addSharedSchemas(app: FastifyInstance) {
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema)
}

/**
 * Response schemas for error statuses, all in the one error shape. A route lists those of its own;
 * documentRoutes (route-docs.ts) adds those every route of its kind answers.
 */
export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, refTo(ErrorResponse)]))

/** A response without a body (204, 304), documented with what it means. */
export const noBody = (description: string) => ({ description, type: 'null' }) as const

/** GET /api/media/:key answers an object's bytes (an image, or a narration's MP3), a part of them to a Range, or 304. */
export const mediaAnswers = {
  200: {
    description:
      'The stored bytes, with their Content-Type (image/png, image/webp, audio/mpeg, …) and Accept-Ranges: bytes',
    content: {
      'image/*': { schema: { type: 'string', format: 'binary' } },
      'audio/mpeg': { schema: { type: 'string', format: 'binary' } },
    },
  },
  206: {
    description: 'Partial Content: the bytes a single Range asked for, with Content-Range',
    content: {
      'image/*': { schema: { type: 'string', format: 'binary' } },
      'audio/mpeg': { schema: { type: 'string', format: 'binary' } },
    },
  },
  304: noBody('Not Modified: the If-None-Match matched this object, which never changes'),
  416: noBody('Range Not Satisfiable: the range starts past the end; Content-Range: bytes */<size>'),
}

/** GET /api/jobs/:job_id/events answers a stream of Server-Sent Events, or 204 once there is nothing left. */
export const eventStreamAnswers = {
  200: {
    description: 'The stream of events, until the final one',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  },
  204: noBody('The client has already seen the final event (Last-Event-ID): an EventSource stops reconnecting'),
}

/** GET /api/auth/me/export answers a zip, streamed. */
export const exportAnswers = {
  200: {
    description: "The parent's data: dreamify-export.json and every image under images/",
    content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } },
  },
}

export const bearerAuth = [{ bearerAuth: [] }]

/** GET /api/stories/:story_id/book.pdf and book.epub answer a file to save, named after the story's title. */
export const bookAnswers = (mediaType: 'application/pdf' | 'application/epub+zip', what: string) => ({
  200: {
    description: `${what}, with Content-Disposition: attachment and a file name from the title (an ASCII filename and RFC 5987's filename*)`,
    content: { [mediaType]: { schema: { type: 'string', format: 'binary' } } },
  },
})
