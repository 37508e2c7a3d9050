import { AppError, type Config, LoginBody, ParentResponse, RegisterBody, TokenResponse } from '@dreamify/core'
import { type Db, parentRepository } from '@dreamify/db'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { hashPassword, verifyPassword } from '../lib/passwords.ts'
import type { RateLimiter } from '../lib/rate-limit.ts'
import { bearerAuth, errorResponses } from '../lib/schema.ts'

const normaliseEmail = (email: string) => email.trim().toLowerCase()

const FIFTEEN_MINUTES_MS = 15 * 60_000
const HOUR_MS = 60 * 60_000

export interface AuthRouteDeps {
  db: Db
  rateLimiter: RateLimiter
  limits: Config['limits']
}

export const authRoutes: FastifyPluginAsyncTypebox<AuthRouteDeps> = async (app, { db, rateLimiter, limits }) => {
  const loginsPerAccount = (email: string) => ({
    name: 'login-account',
    id: email,
    limit: limits.loginAttemptsPer15Min,
    windowMs: FIFTEEN_MINUTES_MS,
  })

  app.post('/auth/register', {
    schema: {
      tags: ['auth'],
      summary: 'Create a parent account',
      body: RegisterBody,
      response: { 201: ParentResponse, ...errorResponses(400, 409, 413, 415, 429) },
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
    preValidation: async (request) => {
      // Trimmed before validation so " Ann@Example.com " is a valid address.
      const body = request.body as { email?: unknown } | undefined
      if (body && typeof body.email === 'string') body.email = normaliseEmail(body.email)
    },
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
      tags: ['auth'],
      summary: 'Exchange email and password for a bearer token',
      body: LoginBody,
      response: { 200: TokenResponse, ...errorResponses(400, 401, 413, 415, 429) },
    },
    // Every attempt from an IP counts, whichever account it tries.
    onRequest: async (request) => {
      await rateLimiter.hit({
        name: 'login-ip',
        id: request.ip,
        limit: limits.loginAttemptsPer15Min,
        windowMs: FIFTEEN_MINUTES_MS,
      })
    },
    handler: async (request) => {
      const email = normaliseEmail(request.body.email)
      // Per account, from any IP: counted before the password is checked (so parallel guesses cannot
      // slip past the limit) and cleared by a success, so what it holds is the failures since the last
      // login. Unknown emails are counted the same way, so a 429 does not tell which accounts exist.
      const account = loginsPerAccount(email)
      await rateLimiter.hit(account)
      const parent = await parentRepository.findByEmail(db, email)
      const valid = await verifyPassword(parent?.password_hash, request.body.password)
      if (!parent || !valid) throw new AppError('INVALID_CREDENTIALS', 'email or password is incorrect')
      await rateLimiter.reset(account)
      return app.signAccessToken(parent.id)
    },
  })

  app.get('/auth/me', {
    onRequest: app.authenticate,
    schema: {
      tags: ['auth'],
      summary: 'The signed-in parent',
      security: bearerAuth,
      response: { 200: ParentResponse, ...errorResponses(400, 401) },
    },
    handler: async (request) => {
      const parent = await parentRepository.findById(db, request.parentId)
      if (!parent) throw new AppError('UNAUTHORIZED', 'the account of this token no longer exists')
      return { parent }
    },
  })
}
