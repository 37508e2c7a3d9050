import { AppError } from '@dreamify/core'
import type { FastifyInstance, FastifyRequest } from 'fastify'

/** Long enough for a browser's EventSource to reconnect a few times; then the client asks for another. */
export const EVENTS_TOKEN_TTL_SECONDS = 600

/**
 * A token good for one job's event stream only (the bearer check refuses any token with a scope).
 * It carries the session it was asked in, so ending that session refuses it too.
 */
export function signEventsToken(app: FastifyInstance, parentId: string, sessionId: string, jobId: string) {
  const token = app.jwt.sign(
    { sub: parentId, sid: sessionId, scope: 'events', job: jobId },
    { expiresIn: EVENTS_TOKEN_TTL_SECONDS },
  )
  return { token, expires_in: EVENTS_TOKEN_TTL_SECONDS }
}

/** The parent a job's stream is for: by `?token=` (an events token for this job) or the usual bearer header. */
export async function eventStreamOwner(
  app: FastifyInstance,
  request: FastifyRequest<{ Params: { job_id: string }; Querystring: { token?: string } }>,
): Promise<string> {
  const { token } = request.query
  if (token === undefined) {
    await app.authenticate(request)
    return request.parentId
  }
  let claims: { sub?: unknown; sid?: unknown; scope?: unknown; job?: unknown }
  try {
    claims = app.jwt.verify(token)
  } catch {
    throw new AppError(
      'UNAUTHORIZED',
      'the events token is invalid or has expired; ask POST /api/jobs/{job_id}/events-token for a new one',
    )
  }
  if (claims.scope !== 'events' || typeof claims.sub !== 'string' || claims.job !== request.params.job_id) {
    throw new AppError('UNAUTHORIZED', "the token is not for this job's events")
  }
  if (typeof claims.sid !== 'string' || !(await app.isSessionLive(claims.sid)))
    throw new AppError('UNAUTHORIZED', 'the session of this token has ended; sign in again')
  return claims.sub
}
