import {
  APPEARANCE_FIELDS,
  AppError,
  ChildCreatedResponse,
  ChildListResponse,
  ChildParams,
  ChildResponse,
  CreateChildBody,
  found,
  UpdateChildBody,
} from '@dreamify/core'
import { childRepository, type Db } from '@dreamify/db'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import fp from 'fastify-plugin'
import type { ContentCheck } from '../lib/content-check.ts'
import type { Erasure } from '../lib/erasure.ts'
import { idempotency } from '../lib/idempotency.ts'
import type { ImageLinker } from '../lib/image-urls.ts'
import type { LanguageCheck } from '../lib/languages.ts'
import { documentRoutes } from '../lib/route-docs.ts'
import { bearerAuth, errorResponses, noBody } from '../lib/schema.ts'
import { childView } from '../views/child.ts'

export interface ChildrenRouteDeps {
  db: Db
  /** resolves the avatars' URLs */
  linksFor: ImageLinker
  /** Enqueues a portrait of the child; returns the job id. */
  requestAvatar: (parentId: string, childId: string) => Promise<string>
  /** refuses free text unsuitable for a bedtime story (422 CONTENT_REFUSED) */
  checkContent: ContentCheck
  languages: LanguageCheck
  erasure: Pick<Erasure, 'child'>
}

// The free-text fields a parent types, which end up in prompts. Not the name: real names trip profanity
// lists (Dick), and by default the provider never sees it (see PROVIDER_SEES_CHILD_NAME).
const freeText = (body: Record<string, unknown>) =>
  Object.fromEntries(
    ['ethnicity', 'fav_animals', 'fav_activities', 'fav_shows'].map((field) => [
      `body.${field}`,
      body[field] as string | null | undefined,
    ]),
  )

const trimText = <T extends Record<string, unknown>>(body: T): T =>
  Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v.trim() : v])) as T

export const childrenRoutes = fp(
  (async (app, { db, linksFor, requestAvatar, checkContent, languages, erasure }) => {
    documentRoutes(app, { tags: ['children'], security: bearerAuth })
    const idempotentCreate = idempotency(db, { route: 'POST /children' })
    app.post('/children', {
      schema: {
        summary: "Add a child's profile (and start drawing the child's avatar)",
        headers: idempotentCreate.headers,
        body: CreateChildBody,
        response: { 201: ChildCreatedResponse, ...errorResponses(409, 422, 429) },
      },
      preHandler: idempotentCreate.preHandler,
      onSend: idempotentCreate.onSend,
      handler: async (request, reply) => {
        languages.check(request.body.language, 'body.language')
        const decisions = await checkContent(request.parentId, freeText(request.body))
        const child = await childRepository.create(
          db,
          { ...trimText(request.body), parent_id: request.parentId },
          decisions,
        )
        const avatar_job_id = await requestAvatar(request.parentId, child.id)
        return reply
          .status(201)
          .send({ child: childView(child, await linksFor([child.avatar_image_id])), avatar_job_id })
      },
    })

    app.get('/children', {
      schema: {
        summary: "The parent's children, oldest first",
        response: { 200: ChildListResponse },
      },
      handler: async (request) => {
        const rows = await childRepository.listByParent(db, request.parentId)
        const images = await linksFor(rows.map((row) => row.avatar_image_id))
        return { children: rows.map((row) => childView(row, images)) }
      },
    })

    app.get('/children/:child_id', {
      schema: {
        summary: 'One child',
        params: ChildParams,
        response: { 200: ChildResponse, ...errorResponses(404) },
      },
      handler: async (request) => {
        const child = found(await childRepository.findOwned(db, request.parentId, request.params.child_id), 'child')
        return { child: childView(child, await linksFor([child.avatar_image_id])) }
      },
    })

    app.patch('/children/:child_id', {
      schema: {
        summary: 'Change some fields; changing appearance draws a new avatar',
        description: 'Only the fields sent change. `null` clears an optional field.',
        params: ChildParams,
        body: UpdateChildBody,
        response: { 200: ChildCreatedResponse, ...errorResponses(404, 422) },
      },
      handler: async (request) => {
        const changes = trimText(request.body)
        if (Object.keys(changes).length === 0) {
          throw new AppError(
            'EMPTY_UPDATE',
            `body must contain at least one of: ${Object.keys(UpdateChildBody.properties).join(', ')}`,
          )
        }
        languages.check(changes.language, 'body.language')
        const decisions = await checkContent(request.parentId, freeText(changes))
        const child = found(
          await childRepository.updateOwned(db, request.parentId, request.params.child_id, changes, decisions),
          'child',
        )
        const appearanceChanged = APPEARANCE_FIELDS.some((field) => field in changes)
        const avatar_job_id = appearanceChanged ? await requestAvatar(request.parentId, child.id) : null
        return { child: childView(child, await linksFor([child.avatar_image_id])), avatar_job_id }
      },
    })

    app.delete('/children/:child_id', {
      schema: {
        summary: 'Remove a child with all stories and images',
        description:
          "Erased, not hidden: the child's unfinished jobs are cancelled first; then the profile and every story, chapter, job, picture and narration are deleted, and their queue entries and event streams leave Redis.",
        params: ChildParams,
        response: { 204: noBody('The child, their stories and their pictures are erased'), ...errorResponses(404) },
      },
      handler: async (request, reply) => {
        await erasure.child(request.parentId, request.params.child_id)
        return reply.status(204).send(null)
      },
    })
  }) satisfies FastifyPluginAsyncTypebox<ChildrenRouteDeps>,
  { name: 'children-routes', dependencies: ['auth'], encapsulate: true },
)
