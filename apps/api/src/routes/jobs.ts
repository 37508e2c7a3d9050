import { Job, JobParams, jobSnapshot, notFound } from '@dreamify/core'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { JobStatusCache } from '../lib/job-status-cache.ts'
import { bearerAuth, errorResponses } from '../lib/schema.ts'

export const jobRoutes: FastifyPluginAsyncTypebox<{ jobs: JobStatusCache }> = async (app, { jobs }) => {
  app.get('/jobs/:job_id', {
    schema: {
      tags: ['jobs'],
      summary: 'Progress of a story, avatar or image job (the endpoint to poll)',
      security: bearerAuth,
      params: JobParams,
      response: { 200: Job, ...errorResponses(400, 401, 404) },
    },
    handler: async (request) => {
      const job = await jobs.findOwned(request.parentId, request.params.job_id)
      if (!job) throw notFound('job')
      return jobSnapshot(job)
    },
  })
}
