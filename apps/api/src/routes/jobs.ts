import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Job, JobParams, jobSnapshot, notFound } from '@dreamify/core'
import { jobRepository, type Db } from '@dreamify/db'
import { bearerAuth, errorResponses } from '../lib/schema.ts'

export const jobRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get('/jobs/:job_id', {
    schema: { tags: ['jobs'], summary: 'Progress of a story, avatar or image job (the endpoint to poll)', security: bearerAuth, params: JobParams, response: { 200: Job, ...errorResponses(400, 401, 404) } },
    handler: async (request) => {
      const job = await jobRepository.findOwned(db, request.parentId, request.params.job_id)
      if (!job) throw notFound('job')
      return jobSnapshot(job)
    },
  })
}
