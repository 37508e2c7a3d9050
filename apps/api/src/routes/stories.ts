import {
  ChapterParams,
  ChildParams,
  CreateStoryBody,
  DEFAULT_STORY_PAGE_SIZE,
  found,
  Job,
  JobAccepted,
  refTo,
  Story,
  StoryAccepted,
  StoryList,
  StoryListQuery,
  StoryParams,
} from '@dreamify/core'
import { chapterRepository, childRepository, type Db, jobSnapshot, storyRepository } from '@dreamify/db'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import fp from 'fastify-plugin'
import type { ContentCheck } from '../lib/content-check.ts'
import { decodeCursor, encodeCursor } from '../lib/cursor.ts'
import type { Erasure } from '../lib/erasure.ts'
import { idempotency } from '../lib/idempotency.ts'
import type { ImageLinker } from '../lib/image-urls.ts'
import { documentRoutes } from '../lib/route-docs.ts'
import { safetySummary } from '../lib/safety-view.ts'
import { bearerAuth, errorResponses, noBody } from '../lib/schema.ts'
import type { StoryService } from '../lib/story-service.ts'
import { libraryItemView, storyView } from '../views/story.ts'

export interface StoryRouteDeps {
  db: Db
  storyService: StoryService
  erasure: Pick<Erasure, 'story'>
  /** resolves the pictures' URLs */
  linksFor: ImageLinker
  /** refuses a topic unsuitable for a bedtime story (422 CONTENT_REFUSED) */
  checkContent: ContentCheck
}

export const storyRoutes = fp(
  (async (app, { db, storyService, erasure, linksFor, checkContent }) => {
    documentRoutes(app, { tags: ['stories'], security: bearerAuth })
    const idempotentRequest = idempotency(db, {
      route: 'POST /stories',
      replayHeaders: (accepted) => ({ location: `/api/jobs/${(accepted as { job_id: string }).job_id}` }),
    })
    app.post('/stories', {
      schema: {
        summary: 'Request a story; it is written and illustrated in the background',
        description: 'Answers 202 at once with the job to poll (also in the Location header).',
        headers: idempotentRequest.headers,
        body: CreateStoryBody,
        response: { 202: StoryAccepted, ...errorResponses(404, 409, 422, 429) },
      },
      preHandler: idempotentRequest.preHandler,
      onSend: idempotentRequest.onSend,
      handler: async (request, reply) => {
        storyService.languages.check(request.body.language, 'body.language')
        const decisions = await checkContent(request.parentId, { 'body.topic': request.body.topic })
        const accepted = await storyService.requestStory(request.parentId, request.body, decisions)
        return reply.status(202).header('location', `/api/jobs/${accepted.job_id}`).send(accepted)
      },
    })

    app.get('/stories/:story_id', {
      schema: {
        summary: 'A story with its chapters so far',
        params: StoryParams,
        response: { 200: refTo(Story), ...errorResponses(404) },
      },
      handler: async (request) => {
        const story = await storyService.findStory(request.parentId, request.params.story_id)
        const chapters = await chapterRepository.listByStory(db, story.id)
        const images = await linksFor(
          chapters.map((chapter) => chapter.image_id),
          chapters.map((chapter) => chapter.audio_key),
        )
        return { ...storyView(story, chapters, images), safety: await safetySummary(db, story.id) }
      },
    })

    app.get('/children/:child_id/stories', {
      schema: {
        summary: "A child's library, newest first",
        description: `Pages of \`limit\` stories (default ${DEFAULT_STORY_PAGE_SIZE}); \`next_cursor\`, passed back as \`cursor\`, gives the next page, and is null on the last. The pages are keyset pages: a story made while paging shifts nothing, so none is skipped or shown twice.`,
        params: ChildParams,
        querystring: StoryListQuery,
        response: { 200: StoryList, ...errorResponses(404) },
      },
      handler: async (request) => {
        // Validation has already filled in the default; this only tells TypeScript so.
        const { limit = DEFAULT_STORY_PAGE_SIZE, cursor } = request.query
        const after = cursor === undefined ? undefined : decodeCursor(cursor)
        const child = found(await childRepository.findOwned(db, request.parentId, request.params.child_id), 'child')
        const rows = await storyRepository.listByChild(db, child.id, {
          limit,
          ...(after ? { after } : {}),
        })
        const page = rows.slice(0, limit)
        const images = await linksFor(page.map((row) => row.cover_image_id))
        return {
          stories: page.map((row) => libraryItemView(row, images)),
          next_cursor: rows.length > limit ? encodeCursor(page.at(-1)!) : null,
        }
      },
    })

    app.delete('/stories/:story_id', {
      schema: {
        summary: 'Delete a story with its chapters and images (cancelling it first if running)',
        params: StoryParams,
        response: {
          204: noBody('The story, its chapters, pictures and narrations are erased'),
          ...errorResponses(404),
        },
      },
      handler: async (request, reply) => {
        await erasure.story(request.parentId, request.params.story_id)
        return reply.status(204).send(null)
      },
    })

    app.post('/stories/:story_id/retry', {
      schema: {
        summary: 'Retry a failed or cancelled story from what is saved',
        params: StoryParams,
        response: { 202: JobAccepted, ...errorResponses(404, 409, 429) },
      },
      handler: async (request, reply) => {
        const accepted = await storyService.retryStory(request.parentId, request.params.story_id)
        return reply.status(202).header('location', `/api/jobs/${accepted.job_id}`).send(accepted)
      },
    })

    app.post('/stories/:story_id/cancel', {
      schema: {
        summary: 'Stop a queued or running story',
        params: StoryParams,
        response: { 200: refTo(Job), ...errorResponses(404, 409) },
      },
      handler: async (request) =>
        jobSnapshot(await storyService.cancelStory(request.parentId, request.params.story_id)),
    })

    // One chapter's picture or narration done again, under a job of its own.
    const chapterRedos = [
      { media: 'image', summary: "Draw one chapter's illustration again", redo: storyService.redrawChapter },
      {
        media: 'audio',
        summary: "Narrate one chapter again (a narrated story's, once it is completed)",
        redo: storyService.redoNarration,
      },
    ] as const
    for (const { media, summary, redo } of chapterRedos) {
      app.post(`/stories/:story_id/chapters/:number/${media}`, {
        schema: {
          summary,
          params: ChapterParams,
          response: { 202: JobAccepted, ...errorResponses(404, 409) },
        },
        handler: async (request, reply) => {
          const accepted = await redo(request.parentId, request.params.story_id, request.params.number)
          return reply.status(202).header('location', `/api/jobs/${accepted.job_id}`).send(accepted)
        },
      })
    }
  }) satisfies FastifyPluginAsyncTypebox<StoryRouteDeps>,
  { name: 'story-routes', dependencies: ['auth'], encapsulate: true },
)
