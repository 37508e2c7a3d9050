import {
  AppError,
  ChangePasswordBody,
  type Config,
  LoginBody,
  ParentResponse,
  RefreshBody,
  RegisterBody,
  refTo,
  TokenResponse,
  UpdateMeBody,
} from '@dreamify/core'
import { type Db, parentRepository } from '@dreamify/db'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AccountService } from '../lib/account.ts'
import type { LanguageCheck } from '../lib/languages.ts'
import { loginWindows, normaliseEmail } from '../lib/login-limits.ts'
import { hashPassword, verifyPassword } from '../lib/passwords.ts'
import type { RateLimiter } from '../lib/rate-limit.ts'
import { documentRoutes } from '../lib/route-docs.ts'
import { bearerAuth, errorResponses, noBody } from '../lib/schema.ts'

const HOUR_MS = 60 * 60_000

export interface AuthRouteDeps {
  /** refuses a preferred language the provider cannot write */
  languages: LanguageCheck
  db: Db
  rateLimiter: RateLimiter
  limits: Config['limits']
  account: AccountService
}

// Trimmed before validation so " Ann@Example.com " is a valid address.
const normaliseBodyEmail = async (request: FastifyRequest) => {
  const body = request.body as { email?: unknown } | undefined
  if (body && typeof body.email === 'string') body.email = normaliseEmail(body.email)
}

// A browser refreshing by cookie may send no body at all.
const allowEmptyBody = async (request: FastifyRequest) => {
  request.body ??= {}
}

export const authRoutes: FastifyPluginAsyncTypebox<AuthRouteDeps> = async (
  app,
  { db, rateLimiter, limits, account, languages },
) => {
  documentRoutes(app, { tags: ['auth'] })
  const windows = loginWindows(limits)

  app.post('/auth/register', {
    schema: {
      summary: 'Create a parent account',
      description: 'A taken email answers 409 (see docs/decisions/0006-registration-keeps-409.md).',
      body: RegisterBody,
      response: { 201: ParentResponse, ...errorResponses(409, 429) },
    },
    // Every attempt counts, before the body is even parsed.
    onRequest: async (request) => {
      await rateLimiter.hit({
        name: 'register-ip',
        id: request.ip,
        limit: limits.registrationsPerHourPerIp,
        windowMs: HOUR_MS,
      })
    },
    preValidation: normaliseBodyEmail,
    handler: async (request, reply) => {
      const { first_name, last_name, email, password } = request.body
      const parent = await parentRepository.create(db, {
        first_name: first_name.trim(),
        last_name: last_name.trim(),
        email,
        password_hash: await hashPassword(password),
      })
      if (!parent) throw new AppError('EMAIL_TAKEN', 'body.email is already registered')
      return reply.status(201).send({ parent })
    },
  })

  app.post('/auth/login', {
    schema: {
      summary: 'Exchange email and password for an access token and a refresh token',
      description:
        'With `"session": "cookie"` the refresh token is set as an HttpOnly cookie (Path=/api/auth) and is not in the body.',
      body: LoginBody,
      response: { 200: refTo(TokenResponse), ...errorResponses(401, 429) },
    },
    // Every attempt from an IP counts, whichever account it tries.
    onRequest: async (request) => {
      await rateLimiter.hit(windows.perIp(request.ip))
    },
    handler: async (request, reply) => {
      const email = normaliseEmail(request.body.email)
      // Per account, from any IP: counted before the password is checked (so parallel guesses cannot
      // slip past the limit) and cleared by a success, so what it holds is the failures since the last
      // login. Unknown emails are counted the same way, and checked against a decoy hash, so neither
      // a 429 nor the time taken tells which accounts exist.
      const perAccount = windows.perAccount(email)
      await rateLimiter.hit(perAccount)
      const parent = await parentRepository.findByEmail(db, email)
      const valid = await verifyPassword(parent?.password_hash, request.body.password)
      if (!parent || !valid) throw new AppError('INVALID_CREDENTIALS', 'email or password is incorrect')
      await rateLimiter.reset(perAccount)
      const session = await app.sessions.start(parent.id, request.headers['user-agent'])
      const mode = request.body.session ?? 'body'
      if (mode === 'cookie')
        app.sessionCookie.set(request, reply as FastifyReply, session.refreshToken, session.expiresAt)
      return app.sessionTokens(session, mode)
    },
  })

  app.post('/auth/refresh', {
    schema: {
      summary: 'Exchange a refresh token for a new access token and a new refresh token',
      description:
        "Takes `{refresh_token}`, or the cookie (then the Origin header must be the web app's). The token presented is used up: presenting it again later ends the session (reuse detection); two requests with it within 10 s both succeed. 401 `SESSION_EXPIRED` or `SESSION_REVOKED` otherwise.",
      body: RefreshBody,
      response: { 200: refTo(TokenResponse), ...errorResponses(401, 403) },
    },
    preValidation: allowEmptyBody,
    handler: async (request, typedReply) => {
      const reply = typedReply as FastifyReply
      const fromBody = request.body.refresh_token
      const fromCookie = fromBody === undefined ? app.sessionCookie.read(request) : undefined
      if (fromCookie !== undefined) app.sessionCookie.assertTrustedOrigin(request)
      const token = fromBody ?? fromCookie
      if (token === undefined)
        throw new AppError('SESSION_REVOKED', 'no refresh token: send body.refresh_token or the session cookie')
      try {
        const session = await app.sessions.rotate(token, request.headers['user-agent'])
        if (fromCookie !== undefined) app.sessionCookie.set(request, reply, session.refreshToken, session.expiresAt)
        return app.sessionTokens(session, fromCookie === undefined ? 'body' : 'cookie')
      } catch (error) {
        if (fromCookie !== undefined) app.sessionCookie.clear(request, reply)
        throw error
      }
    },
  })

  app.post('/auth/logout', {
    onRequest: app.authenticate,
    schema: {
      summary: "End this token's session",
      description:
        'Revokes the session (its refresh tokens, and its access tokens on every API instance within seconds) and clears the cookie.',
      security: bearerAuth,
      response: { 204: noBody('The session has ended') },
    },
    handler: async (request, reply) => {
      await app.sessions.end(request.sessionId)
      app.sessionCookie.clear(request, reply as FastifyReply)
      return reply.status(204).send(null)
    },
  })

  app.get('/auth/me', {
    onRequest: app.authenticate,
    schema: {
      summary: 'The signed-in parent',
      security: bearerAuth,
      response: { 200: ParentResponse },
    },
    handler: async (request) => ({ parent: await account.profile(request.parentId) }),
  })

  app.patch('/auth/me', {
    onRequest: app.authenticate,
    schema: {
      summary: "Change the parent's names, email or preferred story language",
      description:
        'Changing the email needs `current_password` (a wrong one is a 403 and counts against the login limits).',
      security: bearerAuth,
      body: UpdateMeBody,
      response: { 200: ParentResponse, ...errorResponses(403, 409, 429) },
    },
    preValidation: normaliseBodyEmail,
    handler: async (request) => {
      languages.check(request.body.language, 'body.language')
      return { parent: await account.updateProfile(request.parentId, request.ip, request.body) }
    },
  })

  app.post('/auth/password', {
    onRequest: app.authenticate,
    schema: {
      summary: 'Change the password; every other session ends',
      security: bearerAuth,
      body: ChangePasswordBody,
      response: {
        204: noBody('The password is changed; every other session has ended'),
        ...errorResponses(403, 429),
      },
    },
    handler: async (request, reply) => {
      const { current_password, new_password } = request.body
      await account.changePassword(request.parentId, request.sessionId, request.ip, current_password, new_password)
      return reply.status(204).send(null)
    },
  })
}
