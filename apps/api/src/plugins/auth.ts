import { AppError, type Config, isUuid } from '@dreamify/core'
import fastifyJwt from '@fastify/jwt'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

declare module '@fastify/jwt' {
  interface FastifyJWT {
    // scope and job: an SSE stream's token (see routes/events.ts), good for that one job's stream only
    payload: { sub: string; scope?: string; job?: string }
    user: { sub: string; scope?: string; job?: string }
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    authenticate: (request: FastifyRequest) => Promise<void>
    signAccessToken: (parentId: string) => { access_token: string; token_type: 'Bearer'; expires_in: number }
  }
  interface FastifyRequest {
    parentId: string
  }
}

/** Bearer tokens: HS256 only (so `alg: none` and algorithm swaps are refused), with an expiry. */
export const authPlugin = fp(
  async (app: FastifyInstance, { config }: { config: Config }) => {
    await app.register(fastifyJwt, {
      secret: config.auth.jwtSecret,
      sign: { algorithm: 'HS256', expiresIn: config.auth.tokenTtlSeconds },
      // Verified tokens are cached (LRU, bounded by each token's own expiry): polls send the same token many times a second.
      verify: { algorithms: ['HS256'], cache: 10_000 },
    })
    app.decorateRequest('parentId', '')

    app.decorate('authenticate', async (request: FastifyRequest) => {
      let payload: { sub?: unknown; scope?: unknown }
      try {
        payload = await request.jwtVerify()
      } catch {
        throw new AppError('UNAUTHORIZED', 'a valid bearer token is required in the Authorization header')
      }
      // Scoped tokens (an SSE stream's) are good only where they are meant for.
      if (typeof payload.sub !== 'string' || !isUuid(payload.sub) || payload.scope !== undefined) {
        throw new AppError('UNAUTHORIZED', 'a valid bearer token is required in the Authorization header')
      }
      request.parentId = payload.sub
    })

    app.decorate('signAccessToken', (parentId: string) => ({
      access_token: app.jwt.sign({ sub: parentId }),
      token_type: 'Bearer' as const,
      expires_in: config.auth.tokenTtlSeconds,
    }))
  },
  { name: 'auth', dependencies: [] },
)
