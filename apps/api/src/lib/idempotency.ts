import { createHash } from 'node:crypto'
import { AppError } from '@dreamify/core'
import { type Db, idempotencyRepository } from '@dreamify/db'
import type { FastifyReply, FastifyRequest } from 'fastify'
import Type from 'typebox'

/** 1 to 255 printable ASCII characters (a UUID is the usual choice). */
export const IDEMPOTENCY_KEY_PATTERN = '^[ -~]{1,255}$'
const KEY = new RegExp(IDEMPOTENCY_KEY_PATTERN)

/** The route's `headers` schema, so the header is validated and shows in the OpenAPI document. */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      pattern: IDEMPOTENCY_KEY_PATTERN,
      description:
        'Makes a retry safe: the same key with the same body within 24 h answers the first response again and creates nothing. ' +
        'The same key with another body is 422 IDEMPOTENCY_KEY_REUSED; while the first request is still running, 409 IDEMPOTENCY_IN_FLIGHT. ' +
        'A first request that failed (4xx/5xx) does not use the key up. 1 to 255 printable ASCII characters; keys are per parent.',
    }),
  ),
})

/** JSON with object keys sorted at every level, so the same body always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

export const requestHash = (route: string, body: unknown) =>
  createHash('sha256')
    .update(`${route}\n${canonicalJson(body ?? null)}`)
    .digest('hex')

export interface IdempotencyOptions {
  /** names the operation in the stored row and the hash, e.g. `POST /stories` */
  route: string
  /** headers to send again with a replayed answer, derived from its body (e.g. Location) */
  replayHeaders?: (body: unknown) => Record<string, string>
}

/**
 * The `Idempotency-Key` header for a POST that creates something, as a route-level hook pair:
 * `preHandler` (after authentication and validation) reserves the key or answers from it, and
 * `onSend` stores the response, or releases the key when the request failed. The key is scoped to
 * the signed-in parent and kept for 24 h, in Postgres, so every API instance sees it.
 */
export function idempotency(db: Db, { route, replayHeaders }: IdempotencyOptions) {
  // The key each in-flight request reserved; only the request that reserved a key completes or releases it.
  const reserved = new WeakMap<FastifyRequest, string>()

  return {
    headers: IdempotencyHeaders,

    async preHandler(request: FastifyRequest, reply: FastifyReply) {
      const key = request.headers['idempotency-key']
      if (key === undefined) return
      if (typeof key !== 'string' || !KEY.test(key)) {
        throw new AppError('VALIDATION_FAILED', `headers.idempotency-key must match ${IDEMPOTENCY_KEY_PATTERN}`)
      }
      const parentId = request.parentId
      const hash = requestHash(route, request.body)
      // Twice at most: the row we collided with may be released or expire between the two queries.
      for (let attempt = 0; attempt < 2; attempt++) {
        if (await idempotencyRepository.reserve(db, { parent_id: parentId, key, route, request_hash: hash })) {
          reserved.set(request, key)
          return
        }
        const existing = await idempotencyRepository.find(db, parentId, key)
        if (!existing) continue
        if (existing.request_hash !== hash) {
          throw new AppError(
            'IDEMPOTENCY_KEY_REUSED',
            'headers.idempotency-key was already used with a different request; use a new key',
          )
        }
        if (existing.response_status === null) break
        const body = existing.response_body
        reply.header('idempotent-replayed', 'true')
        for (const [name, value] of Object.entries(replayHeaders?.(body) ?? {})) reply.header(name, value)
        return reply.status(existing.response_status).send(body)
      }
      throw new AppError(
        'IDEMPOTENCY_IN_FLIGHT',
        'a request with this idempotency-key is still being processed; retry shortly',
        { 'retry-after': '1' },
      )
    },

    async onSend(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
      const key = reserved.get(request)
      if (key === undefined) return payload
      reserved.delete(request)
      try {
        if (reply.statusCode >= 400) await idempotencyRepository.release(db, request.parentId, key)
        else
          await idempotencyRepository.complete(
            db,
            request.parentId,
            key,
            reply.statusCode,
            typeof payload === 'string' && payload !== '' ? payload : null,
          )
      } catch (error) {
        // The answer still goes out; the reservation is cleared as abandoned after a while.
        request.log.error({ err: error }, 'could not record the idempotent response')
      }
      return payload
    },
  }
}
