import { found, StoryParams, StoryReportAccepted, StoryReportBody } from '@dreamify/core'
import { type Db, storyReportRepository, storyRepository } from '@dreamify/db'
import type { ModerationMetrics } from '@dreamify/moderation'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import fp from 'fastify-plugin'
import { documentRoutes } from '../lib/route-docs.ts'
import { bearerAuth, errorResponses } from '../lib/schema.ts'

/** Parents can tell us a story was not right for their child; every report is stored and counted. */
export interface StoryReportRouteDeps {
  db: Db
  metrics: ModerationMetrics
}

export const storyReportRoutes = fp(
  (async (app, { db, metrics }) => {
    documentRoutes(app, { tags: ['stories'], security: bearerAuth })
    app.post('/stories/:story_id/report', {
      schema: {
        summary: 'Report a story that was not right for the child',
        description: '`reason` is one of a short list; `note` (optional) says more in the parent’s words.',
        params: StoryParams,
        body: StoryReportBody,
        response: { 202: StoryReportAccepted, ...errorResponses(404) },
      },
      handler: async (request, reply) => {
        const story = found(await storyRepository.findOwned(db, request.parentId, request.params.story_id), 'story')
        const note = request.body.note?.trim() || null
        const report = await storyReportRepository.create(db, {
          story_id: story.id,
          parent_id: request.parentId,
          reason: request.body.reason,
          note,
        })
        metrics.reported(request.body.reason)
        request.log.info({ storyId: story.id, reason: request.body.reason }, 'a parent reported a story')
        return reply.status(202).send({
          report_id: report.id,
          story_id: story.id,
          reason: request.body.reason,
          created_at: report.created_at,
        })
      },
    })
  }) satisfies FastifyPluginAsyncTypebox<StoryReportRouteDeps>,
  { name: 'story-report-routes', dependencies: ['auth'], encapsulate: true },
)
