import { AppError, DeleteAccountBody } from '@dreamify/core'
import type { Db } from '@dreamify/db'
import type { MediaStores } from '@dreamify/media'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import type { AccountService } from '../lib/account.ts'
import { exportAccount } from '../lib/account-export.ts'
import type { Erasure } from '../lib/erasure.ts'
import type { RateLimiter } from '../lib/rate-limit.ts'
import { documentRoutes } from '../lib/route-docs.ts'
import { bearerAuth, errorResponses, exportAnswers, noBody } from '../lib/schema.ts'

/** An export reads every image of the account: a few an hour is plenty for a person, and bounds the cost. */
const EXPORTS_PER_HOUR = 5
const HOUR_MS = 60 * 60_000

export interface AccountRouteDeps {
  db: Db
  /** the export reads every image's original from its store */
  media: MediaStores
  account: AccountService
  erasure: Pick<Erasure, 'account'>
  rateLimiter: RateLimiter
}

/** The parent's own data: taken away (export) or erased. Registered behind authentication. */
export const accountRoutes: FastifyPluginAsyncTypebox<AccountRouteDeps> = async (
  app,
  { db, media, account, erasure, rateLimiter },
) => {
  documentRoutes(app, { tags: ['auth'], security: bearerAuth })
  const exportsOf = (parentId: string) => ({
    name: 'export-parent',
    id: parentId,
    limit: EXPORTS_PER_HOUR,
    windowMs: HOUR_MS,
  })

  app.get('/auth/me/export', {
    schema: {
      summary: "The parent's data as a zip",
      description: `application/zip, streamed: dreamify-export.json (parent, children, stories with chapters, jobs, in the API's shapes; image URLs are the image's path in the zip) and every image under images/. At most ${EXPORTS_PER_HOUR} an hour.`,
      response: { ...exportAnswers, ...errorResponses(429) },
    },
    handler: async (request, typedReply) => {
      // The body is a zip, not a schema-described JSON document.
      const reply = typedReply as unknown as FastifyReply
      await rateLimiter.hit(exportsOf(request.parentId))
      // The zip streams after its headers: a store that is down answers 503 now, not a broken zip later.
      await media.store.check()
      const zip = await exportAccount(db, media, request.parentId)
      if (!zip) throw new AppError('UNAUTHORIZED', 'the account of this token no longer exists')
      return reply
        .header('content-type', 'application/zip')
        .header('content-disposition', 'attachment; filename="dreamify-export.zip"')
        .header('cache-control', 'no-store')
        .send(zip)
    },
  })

  app.delete('/auth/me', {
    schema: {
      summary: 'Erase the account and everything in it',
      description:
        'Needs `{password}` (a wrong one is a 403 and counts against the login limits). Unfinished stories are cancelled first; then children, stories, chapters, images, jobs, sessions, queued work and event streams are erased. The email can register again.',
      body: DeleteAccountBody,
      response: {
        204: noBody('The account and everything in it are erased'),
        ...errorResponses(403, 429),
      },
    },
    handler: async (request, reply) => {
      await account.confirmPassword(request.parentId, request.ip, request.body.password, 'password')
      await erasure.account(request.parentId)
      await rateLimiter.reset(exportsOf(request.parentId))
      app.sessionCookie.clear(request, reply as FastifyReply)
      return reply.status(204).send(null)
    },
  })
}
