import { found, Job, JobParams, refTo } from '@dreamify/core'
import { jobSnapshot } from '@dreamify/db'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import fp from 'fastify-plugin'
import type { JobStatusCache } from '../lib/job-status-cache.ts'
import { documentRoutes } from '../lib/route-docs.ts'
import { bearerAuth, errorResponses } from '../lib/schema.ts'

export const jobRoutes = fp(
  (async (app, { jobStatusCache }) => {
    documentRoutes(app, { tags: ['jobs'], security: bearerAuth })
    app.get('/jobs/:job_id', {
      schema: {
        summary: 'Progress of a story, avatar or image job (the endpoint to poll)',
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
