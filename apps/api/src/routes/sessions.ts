import { SessionList, SessionParams } from '@dreamify/core'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { bearerAuth, errorResponses, noBody } from '../lib/schema.ts'

/** The parent's sessions (signed-in devices), to see and to end. Registered behind authentication. */
export const sessionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/auth/sessions', {
    schema: {
      tags: ['auth'],
      summary: "The parent's live sessions",
      security: bearerAuth,
      response: { 200: SessionList, ...errorResponses(400, 401) },
    },
    handler: async (request) => ({ sessions: await app.sessions.list(request.parentId, request.sessionId) }),
  })

  app.delete('/auth/sessions/:session_id', {
    schema: {
      tags: ['auth'],
      summary: 'End one session',
      security: bearerAuth,
      params: SessionParams,
      response: { 204: noBody('The session has ended'), ...errorResponses(400, 401, 404, 413, 415) },
    },
    handler: async (request, reply) => {
      await app.sessions.endOwned(request.parentId, request.params.session_id)
      return reply.status(204).send(null)
    },
  })

  app.delete('/auth/sessions', {
    schema: {
      tags: ['auth'],
      summary: 'End every session but the current one',
      security: bearerAuth,
      response: { 204: noBody('Every other session has ended'), ...errorResponses(400, 401, 413, 415) },
    },
    handler: async (request, reply) => {
      await app.sessions.endAllBut(request.parentId, request.sessionId)
      return reply.status(204).send(null)
    },
  })
}
