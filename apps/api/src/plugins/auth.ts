import { randomUUID } from 'node:crypto'
import { AppError, type Config, isUuid } from '@dreamify/core'
import type { Db } from '@dreamify/db'
import fastifyCookie from '@fastify/cookie'
import fastifyJwt from '@fastify/jwt'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import { createSessionCookie, type SessionCookie } from '../lib/session-cookie.ts'
import { createSessionGuard } from '../lib/session-guard.ts'
import { createSessionService, type IssuedSession, type SessionService } from '../lib/sessions.ts'

declare module '@fastify/jwt' {
  interface FastifyJWT {
    // scope and job: an SSE stream's token (see routes/events.ts), good for that one job's stream only
    payload: { sub: string; sid?: string; jti?: string; scope?: string; job?: string }
    user: { sub: string; sid?: string; jti?: string; scope?: string; job?: string }
  }
}

export interface SessionTokens {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  refresh_token?: string
  refresh_expires_in: number
}

declare module 'fastify' {
  interface FastifyInstance {
    authenticate: (request: FastifyRequest) => Promise<void>
    /** for tokens checked elsewhere (an event stream's): is their session still live? */
    isSessionLive: (sessionId: string) => Promise<boolean>
    /** the tokens of a session just started or refreshed; without the refresh token in cookie mode */
    sessionTokens: (session: IssuedSession, mode: 'body' | 'cookie') => SessionTokens
    sessions: SessionService
    sessionCookie: SessionCookie
  }
  interface FastifyRequest {
    parentId: string
    /** the session of the access token */
    sessionId: string
  }
}

const unauthorized = () => new AppError('UNAUTHORIZED', 'a valid bearer token is required in the Authorization header')

export interface AuthPluginOptions {
  config: Config
  db: Db
  redis: Redis
}

/**
 * Bearer tokens: HS256 only (so `alg: none` and algorithm swaps are refused), short-lived, each tied
 * to a session (`sid`) that must still be live: logout, a password change or a deletion refuses the
 * session's tokens on every API process within seconds (see lib/session-guard.ts).
 */
export const authPlugin = fp(
  async (app: FastifyInstance, { config, db, redis }: AuthPluginOptions) => {
    await app.register(fastifyJwt, {
      secret: config.auth.jwtSecret,
      sign: { algorithm: 'HS256', expiresIn: config.auth.tokenTtlSeconds },
      // Verified tokens are cached (LRU, bounded by each token's own expiry): polls send the same token many times a second.
      verify: { algorithms: ['HS256'], cache: 10_000 },
    })
    await app.register(fastifyCookie)
    const guard = createSessionGuard({
      db,
      redis,
      prefix: config.redis.queuePrefix,
      tokenTtlSeconds: config.auth.tokenTtlSeconds,
      logger: app.log,
    })
    app.addHook('onClose', () => guard.close())
    app.decorate('sessions', createSessionService({ db, guard, sessionTtlDays: config.auth.sessionTtlDays }))
    app.decorate('sessionCookie', createSessionCookie(config))
    app.decorate('isSessionLive', (sessionId: string) =>
      isUuid(sessionId) ? guard.isLive(sessionId) : Promise.resolve(false),
    )
    app.decorateRequest('parentId', '')
    app.decorateRequest('sessionId', '')

    app.decorate('authenticate', async (request: FastifyRequest) => {
      let payload: { sub?: unknown; sid?: unknown; scope?: unknown }
      try {
        payload = await request.jwtVerify()
      } catch {
        throw unauthorized()
      }
      // Scoped tokens (an SSE stream's) are good only where they are meant for; a token without a
      // session predates sessions and cannot be revoked, so it is refused.
      const { sub, sid, scope } = payload
      if (typeof sub !== 'string' || !isUuid(sub) || typeof sid !== 'string' || !isUuid(sid) || scope !== undefined)
        throw unauthorized()
      // A session gone (ended, or its account deleted) refuses its tokens, so no route ever acts for
      // a parent that does not exist.
      if (!(await guard.isLive(sid)))
        throw new AppError('UNAUTHORIZED', 'the session of this token has ended; sign in again')
      request.parentId = sub
      request.sessionId = sid
    })

    app.decorate('sessionTokens', (session: IssuedSession, mode: 'body' | 'cookie') => ({
      access_token: app.jwt.sign({ sub: session.parentId, sid: session.sessionId, jti: randomUUID() }),
      token_type: 'Bearer' as const,
      expires_in: config.auth.tokenTtlSeconds,
      ...(mode === 'body' ? { refresh_token: session.refreshToken } : {}),
      refresh_expires_in: Math.max(0, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000)),
    }))
  },
  { name: 'auth', dependencies: [] },
)
