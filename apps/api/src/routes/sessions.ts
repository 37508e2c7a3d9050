import { SessionList, SessionParams } from '@dreamify/core'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { documentRoutes } from '../lib/route-docs.ts'
import { bearerAuth, errorResponses, noBody } from '../lib/schema.ts'

/** The parent's sessions (signed-in devices), to see and to end. Registered behind authentication. */
export const sessionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  documentRoutes(app, { tags: ['auth'], security: bearerAuth })
  app.get('/auth/sessions', {
    schema: {
      summary: "The parent's live sessions",
      response: { 200: SessionList },
    },
    handler: async (request) => ({ sessions: await app.sessions.list(request.parentId, request.sessionId) }),
  })

  app.delete('/auth/sessions/:session_id', {
    schema: {
      summary: 'End one session',
      params: SessionParams,
      response: { 204: noBody('The session has ended'), ...errorResponses(404) },
    },
    handler: async (request, reply) => {
      await app.sessions.endOwned(request.parentId, request.params.session_id)
      return reply.status(204).send(null)
    },
  })

  app.delete('/auth/sessions', {
    schema: {
      summary: 'End every session but the current one',
      response: { 204: noBody('Every other session has ended') },
    },
    handler: async (request, reply) => {
      await app.sessions.endAllBut(request.parentId, request.sessionId)
      return reply.status(204).send(null)
    },
  })
}
