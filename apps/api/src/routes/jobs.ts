import { found, Job, JobParams, refTo } from '@dreamify/core'
import { jobSnapshot } from '@dreamify/db'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import fp from 'fastify-plugin'
import { JOB_STATUS_TTL_MS, type JobStatusCache } from '../lib/job-status-cache.ts'
import { documentRoutes } from '../lib/route-docs.ts'
import { bearerAuth, errorResponses } from '../lib/schema.ts'

export const jobRoutes = fp(
  (async (app, { jobStatusCache }) => {
    documentRoutes(app, { tags: ['jobs'], security: bearerAuth })
    app.get('/jobs/:job_id', {
      schema: {
        summary: 'Progress of a story, avatar or image job (the endpoint to poll)',
        description: `Cheap to poll every half second: concurrent polls of one job share one query, and an answer is at most ${JOB_STATUS_TTL_MS} ms behind. For pushed progress, see the event stream.`,
        params: JobParams,
        response: { 200: refTo(Job), ...errorResponses(404) },
      },
      handler: async (request) => {
        return jobSnapshot(found(await jobStatusCache.findOwned(request.parentId, request.params.job_id), 'job'))
      },
    })
  }) satisfies FastifyPluginAsyncTypebox<{ jobStatusCache: JobStatusCache }>,
  { name: 'job-routes', dependencies: ['auth'], encapsulate: true },
)
