import { ErrorResponse } from '@dreamify/core'

/**
 * Response schemas for the error statuses a route can answer with, all in the one error shape.
 * Every route can also answer 500, and 503 while Postgres is unreachable (the error handler's
 * SERVICE_UNAVAILABLE), so those two are always documented. A POST, PATCH or DELETE also lists 413
 * and 415, even one that takes no body: Fastify reads whatever body is sent before routing on. Every
 * route lists 400, since a query string with a NUL character is refused everywhere (validation.ts).
 */
export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries([...statuses, 500, 503].map((status) => [status, ErrorResponse]))

/** A response without a body (204, 304), documented with what it means. */
export const noBody = (description: string) => ({ description, type: 'null' }) as const

export const bearerAuth = [{ bearerAuth: [] }]
