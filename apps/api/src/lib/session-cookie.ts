import { AppError, type Config } from '@dreamify/core'
import type { FastifyReply, FastifyRequest } from 'fastify'

export const REFRESH_COOKIE = 'dreamify_refresh'
// Sent only to the routes that take it, never with every API call.
const COOKIE_PATH = '/api/auth'

const isLocalhost = (host: string) => /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/i.test(host)
const originOf = (url: string) => (URL.canParse(url) ? new URL(url).origin : undefined)

/**
 * The refresh cookie of browsers (login with `"session": "cookie"`): HttpOnly so scripts never see
 * it, SameSite=Strict, and Secure unless the service runs on plain http://localhost (where browsers
 * would drop a Secure cookie).
 */
export function createSessionCookie(config: Config) {
  const publicOrigin = config.http.publicUrl ? originOf(config.http.publicUrl) : undefined
  const allowedOrigins = new Set([publicOrigin, ...config.http.corsOrigins.map(originOf)].filter(Boolean))

  const secure = (request: FastifyRequest) => {
    if (publicOrigin) return !(publicOrigin.startsWith('http://') && isLocalhost(new URL(publicOrigin).host))
    return !(request.protocol === 'http' && isLocalhost(request.host))
  }

  return {
    set(request: FastifyRequest, reply: FastifyReply, token: string, expiresAt: Date) {
      reply.setCookie(REFRESH_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: secure(request),
        path: COOKIE_PATH,
        expires: expiresAt,
      })
    },

    clear(request: FastifyRequest, reply: FastifyReply) {
      reply.clearCookie(REFRESH_COOKIE, {
        httpOnly: true,
        sameSite: 'strict',
        secure: secure(request),
        path: COOKIE_PATH,
      })
    },

    read: (request: FastifyRequest): string | undefined => request.cookies[REFRESH_COOKIE] || undefined,

    /**
     * CSRF defence for a refresh by cookie, besides SameSite: the request's Origin must be the API's
     * own (the web app is served from it), PUBLIC_URL's, or one of CORS_ORIGINS. Browsers send
     * Origin with every POST; a request without one is refused.
     */
    assertTrustedOrigin(request: FastifyRequest) {
      const origin = request.headers.origin
      // As an origin: without a default port, as browsers write it.
      const own = originOf(`${request.protocol}://${request.host}`)
      if (origin && (origin === own || allowedOrigins.has(origin))) return
      throw new AppError(
        'FORBIDDEN',
        'a refresh by cookie must come from the web app: the Origin header is missing or not allowed',
      )
    },
  }
}

export type SessionCookie = ReturnType<typeof createSessionCookie>
