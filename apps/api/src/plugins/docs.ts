import { isDeepStrictEqual } from 'node:util'
import { ERROR_CODES, ErrorResponse } from '@dreamify/core'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

const errorList = Object.entries(ERROR_CODES)
  .map(([code, { status, description }]) => `| \`${code}\` | ${status} | ${description} |`)
  .join('\n')

// What @fastify/swagger renders for each error status of lib/schema.ts's errorResponses.
const errorAnswer = {
  description: (ErrorResponse as { description?: string }).description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } },
}

interface OpenApiObject {
  paths?: Record<string, Record<string, { responses?: Record<string, unknown> }>>
  components?: Record<string, unknown>
}

/**
 * Every error status answers the one error shape, so the document describes that answer once, as
 * the component response `Error`, and each operation's error statuses refer to it.
 */
function shareTheErrorAnswer(document: OpenApiObject): OpenApiObject {
  for (const pathItem of Object.values(document.paths ?? {})) {
    for (const { responses = {} } of Object.values(pathItem)) {
      for (const [status, response] of Object.entries(responses)) {
        if (isDeepStrictEqual(response, errorAnswer)) responses[status] = { $ref: '#/components/responses/Error' }
      }
    }
  }
  return { ...document, components: { ...document.components, responses: { Error: errorAnswer } } }
}

/** OpenAPI 3 from the route schemas, served at /docs (Swagger UI) and /docs/json. */
export const docsPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Dreamify API',
          version: '0.1.0',
          description: `Personalised, illustrated bedtime stories.\n\nEvery error answers \`{statusCode, code, error, message}\`. Codes:\n\n| code | status | meaning |\n|---|---|---|\n${errorList}`,
        },
        components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
        tags: [
          { name: 'auth', description: 'Parent accounts and tokens' },
          { name: 'children', description: "Children's profiles" },
          { name: 'stories', description: 'Story generation and the library' },
          { name: 'jobs', description: 'Progress of generation jobs' },
          { name: 'health', description: 'Liveness and readiness' },
        ],
      },
      // Each shared schema (lib/schema.ts) is a component named by its $id, not `def-<n>`.
      transformObject: (documentObject) =>
        'openapiObject' in documentObject
          ? shareTheErrorAnswer(documentObject.openapiObject as OpenApiObject)
          : documentObject.swaggerObject,
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string | undefined) ?? `def-${i}`,
      },
    })
    await app.register(swaggerUi, { routePrefix: '/docs' })
  },
  { name: 'docs', dependencies: [] },
)
