import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AppError, LoginBody, ParentResponse, RegisterBody, TokenResponse } from '@dreamify/core'
import { parentRepository, type Db } from '@dreamify/db'
import { hashPassword, verifyPassword } from '../lib/passwords.ts'
import { bearerAuth, errorResponses } from '../lib/schema.ts'

const normaliseEmail = (email: string) => email.trim().toLowerCase()

export const authRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.post('/auth/register', {
    schema: {
      tags: ['auth'],
      summary: 'Create a parent account',
      body: RegisterBody,
      response: { 201: ParentResponse, ...errorResponses(400, 409, 413, 415, 429) },
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
    handler: async (request) => {
      const parent = await parentRepository.findByEmail(db, normaliseEmail(request.body.email))
      const valid = await verifyPassword(parent?.password_hash, request.body.password)
      if (!parent || !valid) throw new AppError('INVALID_CREDENTIALS', 'email or password is incorrect')
      return app.signAccessToken(parent.id)
    },
  })

  app.get('/auth/me', {
    onRequest: app.authenticate,
    schema: { tags: ['auth'], summary: 'The signed-in parent', security: bearerAuth, response: { 200: ParentResponse, ...errorResponses(401) } },
    handler: async (request) => {
      const parent = await parentRepository.findById(db, request.parentId)
      if (!parent) throw new AppError('UNAUTHORIZED', 'the account of this token no longer exists')
      return { parent }
    },
  })
}
