import type { FastifyReply, FastifyRequest } from 'fastify'

/** A request that matched no route, in the one error shape (the path only: a query string may hold a token). */
export function answerNotFound(request: FastifyRequest, reply: FastifyReply) {
  return reply.status(404).send({
    statusCode: 404,
    code: 'NOT_FOUND',
    error: 'Not Found',
    message: `route ${request.method} ${request.url.split('?')[0]!.slice(0, 200)} not found`,
  })
}
