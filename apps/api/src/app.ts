import { randomUUID } from 'node:crypto'
import type { Config, Queues } from '@dreamify/core'
import { type Db, pingDatabase } from '@dreamify/db'
import { healthPlugin } from '@dreamify/http'
import { createMediaStores, type MediaStores, mediaOrigins } from '@dreamify/media'
import { createLocalModerator, createModerationMetrics } from '@dreamify/moderation'
import cors from '@fastify/cors'
import helmet from '@fastify/helmet'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyReply, type FastifyServerOptions } from 'fastify'
import type { Redis } from 'ioredis'
import { createAccountService } from './lib/account.ts'
import { createContentCheck } from './lib/content-check.ts'
import { createErasure } from './lib/erasure.ts'
import { installErrorHandling } from './lib/error-handling.ts'
import { createImageLinker } from './lib/image-urls.ts'
import { createJobStatusCache } from './lib/job-status-cache.ts'
import { createRateLimiter } from './lib/rate-limit.ts'
import { addSharedSchemas } from './lib/schema.ts'
import { createStoryService } from './lib/story-service.ts'
import { installValidation } from './lib/validation.ts'
import { adminPlugin } from './plugins/admin.ts'
import { authPlugin } from './plugins/auth.ts'
import { docsPlugin } from './plugins/docs.ts'
import { jobEventsHubPlugin } from './plugins/job-events-hub/index.ts'
import { metricsPlugin } from './plugins/metrics.ts'
import { webAppPlugin } from './plugins/web-app.ts'
import { accountRoutes } from './routes/account.ts'
import { authRoutes } from './routes/auth.ts'
import { bookRoutes } from './routes/books.ts'
import { childrenRoutes } from './routes/children.ts'
import { eventRoutes } from './routes/events.ts'
import { jobRoutes } from './routes/jobs.ts'
import { mediaRoutes } from './routes/media.ts'
import { optionRoutes } from './routes/options.ts'
import { sessionRoutes } from './routes/sessions.ts'
import { storyRoutes } from './routes/stories.ts'
import { storyReportRoutes } from './routes/story-reports.ts'

export interface AppDeps {
  config: Config
  db: Db
  queues: Queues
  /** the producer connection (fails fast while Redis is away) */
  redis: Redis
  logger?: FastifyServerOptions['loggerInstance']
  /** where media is read from (default: the stores the config names, measured on the app's registry) */
  media?: MediaStores
  /** whether the provider can narrate (the openai provider's server may lack /v1/audio/speech); default yes */
  narrationAvailable?: () => Promise<boolean>
}

/** Builds the whole API as a ready Fastify instance; it opens no connection and listens on nothing. */
export async function buildApp({ config, db, queues, redis, logger, media: givenMedia, narrationAvailable }: AppDeps) {
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    bodyLimit: config.http.bodyLimit,
    genReqId: (request) => {
      const given = request.headers['x-request-id']
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID()
    },
    requestIdHeader: false,
    // Only the configured number of proxies may speak for the client's address (per-IP limits rely on it).
    trustProxy: (_address: string, hop: number) => hop < config.http.trustProxyHops,
    routerOptions: { maxParamLength: 200 },
    // Errors Fastify answers before routing (a malformed or over-long path) get the one error shape too.
    frameworkErrors: (error, _request, typedReply) => {
      const reply = typedReply as unknown as FastifyReply
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      return reply.status(400).send({
        statusCode: 400,
        code: 'INVALID_ID',
        error: 'Bad Request',
        message: tooLong ? 'a path id is longer than 200 characters' : 'the URL path is not validly percent-encoded',
      })
    },
  }).withTypeProvider<TypeBoxTypeProvider>()

  addSharedSchemas(app)
  installValidation(app)
  // JSON only: a text/plain body is a 415, not a string that fails validation later.
  app.removeContentTypeParser('text/plain')
  installErrorHandling(app)
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })

  await app.register(helmet, { contentSecurityPolicy: false, crossOriginResourcePolicy: { policy: 'same-site' } })
  await app.register(cors, {
    origin: config.http.corsOrigins.length ? config.http.corsOrigins : false,
    // Only for the allowlisted origins: their web app may send the refresh cookie (see lib/session-cookie.ts).
    credentials: true,
  })
  await app.register(docsPlugin)
  await app.register(metricsPlugin, { queues })
  if (config.admin) await app.register(adminPlugin, { queues, credentials: config.admin })
  await app.register(authPlugin, { config, db, redis })

  const media = givenMedia ?? createMediaStores(db, config, app.metricsRegistry)
  const linksFor = createImageLinker(db, media)

  const jobStatusCache = createJobStatusCache(db)
  const storyService = createStoryService({
    db,
    queues,
    redis,
    config,
    logger: app.log,
    forgetJob: jobStatusCache.forget,
  })
  const rateLimiter = createRateLimiter({ redis, prefix: config.redis.queuePrefix, logger: app.log })
  // What parents type is checked here by the offline moderator; the worker's moderator checks again.
  const moderationMetrics = createModerationMetrics(app.metricsRegistry)
  const requestModerator = createLocalModerator()
  moderationMetrics.announce('request', requestModerator)
  const checkContent = createContentCheck({ db, metrics: moderationMetrics })

  await app.register(healthPlugin, {
    checks: { postgres: () => pingDatabase(db), redis: () => redis.ping(), media: () => media.store.check() },
    facts: { moderation: { status: 'up', moderator: requestModerator.name, assurance: requestModerator.assurance } },
  })
  await app.register(jobEventsHubPlugin, { db, redis, queuePrefix: config.redis.queuePrefix })
  const { sessions } = app
  const account = createAccountService({ db, sessions, rateLimiter, limits: config.limits })
  const erasure = createErasure({
    ...{ db, redis, queues, sessions, storyService, logger: app.log },
    ...{ prefix: config.redis.queuePrefix, forgetJob: jobStatusCache.forget },
  })
  await app.register(authRoutes, {
    ...{ prefix: '/api', db, rateLimiter, limits: config.limits, account },
    languages: storyService.languages,
  })
  await app.register(mediaRoutes, { prefix: '/api', media })
  await app.register(optionRoutes, {
    prefix: '/api',
    provider: config.generation.provider,
    narrationAvailable: narrationAvailable ?? (async () => true),
  })
  // Job event streams authenticate by the bearer header or a per-job `?token=` (see routes/events.ts).
  await app.register(eventRoutes, { prefix: '/api', db })
  await app.register(
    async (scope) => {
      scope.addHook('onRequest', scope.authenticate)
      await scope.register(childrenRoutes, {
        ...{ db, linksFor, requestAvatar: storyService.requestAvatar, checkContent, erasure },
        languages: storyService.languages,
      })
      await scope.register(storyRoutes, { db, storyService, erasure, linksFor, checkContent })
      await scope.register(bookRoutes, { db, media })
      await scope.register(storyReportRoutes, { db, metrics: moderationMetrics })
      await scope.register(jobRoutes, { jobStatusCache })
      await scope.register(sessionRoutes)
      await scope.register(accountRoutes, { db, media, account, erasure, rateLimiter })
    },
    { prefix: '/api' },
  )
  await app.register(webAppPlugin, { publicUrl: config.http.publicUrl, mediaOrigins: mediaOrigins(config.media) })
  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>
