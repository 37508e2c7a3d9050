import type { FastifyInstance } from 'fastify'
import { errorResponses } from './schema.ts'

// Methods whose body Fastify reads (and may refuse) before any route sees the request.
const BODY_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE']

export interface RouteDocs {
  tags: string[]
  /** the security of every route of the scope, unless a route names its own (bearerAuth) */
  security?: Array<Record<string, string[]>>
}

/**
 * Documents every route declared in the scope it is called in: the scope's tags and security, and
 * the error statuses that come from the app rather than from the route. Those are 400 everywhere (a
 * query string with a NUL character is refused on every route, validation.ts), 401 on a route that
 * takes a bearer token, 413 and 415 on a POST, PUT, PATCH or DELETE (even one that takes no body),
 * 500 everywhere and 503 while Postgres is unreachable. A route lists only its own statuses.
 */
export function documentRoutes(app: FastifyInstance, { tags, security }: RouteDocs): void {
  app.addHook('onRoute', (route) => {
    const schema = { tags, ...(security ? { security } : {}), ...route.schema }
    const statuses = [400, 500, 503]
    if (schema.security?.length) statuses.push(401)
    if ([route.method].flat().some((method) => BODY_METHODS.includes(method))) statuses.push(413, 415)
    route.schema = { ...schema, response: { ...errorResponses(...statuses), ...(schema.response as object) } }
  })
}
