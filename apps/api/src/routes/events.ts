import { EventsQuery, EventsToken, found, JobParams } from '@dreamify/core'
import { type Db, jobRepository } from '@dreamify/db'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import { EVENTS_TOKEN_TTL_SECONDS, eventStreamOwner, signEventsToken } from '../lib/events-token.ts'
import { documentRoutes } from '../lib/route-docs.ts'
import { bearerAuth, errorResponses, eventStreamAnswers } from '../lib/schema.ts'

const streamDescription = [
  'text/event-stream. Events: `stage` (the job as GET /api/jobs/{job_id} answers it, whenever its stage, percent',
  'or chapters_illustrated change), `chapter_written` and `chapter_illustrated` (`{number, title}`), then one of',
  '`completed`, `failed`, `cancelled` (the job), after which the stream ends.',
  'Ids are integers that grow within the job; send Last-Event-ID to get what was missed.',
  'A `: ping` comment comes every 15 s.',
  'Authorization: the bearer header, or `?token=` from POST /api/jobs/{job_id}/events-token.',
  '204 when the client has already seen the final event.',
].join(' ')

const tokenDescription =
  "For browsers' EventSource, which cannot send an Authorization header: pass it as `?token=` to " +
  `GET /api/jobs/{job_id}/events. It is good for that job's stream only, for ${EVENTS_TOKEN_TTL_SECONDS} s.`

/**
 * `GET /api/jobs/:job_id/events`: a job's progress as Server-Sent Events, for clients that prefer
 * push to polling (served by the job-events-hub plugin). `POST /api/jobs/:job_id/events-token`
 * gives browsers, whose EventSource cannot send an Authorization header, a short-lived token for
 * one job's stream. Not behind the app's bearer hook: a stream may be opened with that token.
 */
export const eventRoutes = fp(
  (async (app, { db }) => {
    documentRoutes(app, { tags: ['jobs'], security: bearerAuth })
    app.post('/jobs/:job_id/events-token', {
      onRequest: app.authenticate,
      schema: {
        summary: "A short-lived token for one job's event stream",
        description: tokenDescription,
        params: JobParams,
        response: { 200: EventsToken, ...errorResponses(404) },
      },
      handler: async (request) => {
        const job = found(await jobRepository.findOwned(db, request.parentId, request.params.job_id), 'job')
        return signEventsToken(app, request.parentId, request.sessionId, job.id)
      },
    })

    app.get('/jobs/:job_id/events', {
      schema: {
        summary: "A job's progress as Server-Sent Events (push instead of polling)",
        description: streamDescription,
        params: JobParams,
        querystring: EventsQuery,
        response: { ...eventStreamAnswers, ...errorResponses(404) },
      },
      handler: async (request, reply) => {
        const parentId = await eventStreamOwner(app, request)
        const job = found(await jobRepository.findOwned(db, parentId, request.params.job_id), 'job')
        // The body is a stream of events, not a schema-described JSON document.
        return app.jobEventsHub.stream(request, reply as unknown as FastifyReply, job)
      },
    })
  }) satisfies FastifyPluginAsyncTypebox<{ db: Db }>,
  { name: 'event-routes', dependencies: ['auth', 'job-events-hub'], encapsulate: true },
)
