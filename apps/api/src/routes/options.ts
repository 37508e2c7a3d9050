import { OptionsResponse, optionsFor } from '@dreamify/core'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses } from '../lib/schema.ts'

/** `GET /api/options`: the choices for every enumerated field, public and the same for everyone. */
export const optionRoutes: FastifyPluginAsyncTypebox<{ provider: string }> = async (app, { provider }) => {
  const options = optionsFor(provider)
  app.get('/options', {
    schema: {
      tags: ['children'],
      summary: 'The choices for age range, appearance, genre, illustration style and story language, with labels',
      description:
        'Derived from the lists the API validates against. `languages` are those the active provider writes, each labelled in its own language, with its text direction. Public and cacheable.',
      response: { 200: OptionsResponse, ...errorResponses(400) },
    },
    handler: async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=3600')
      return options
    },
  })
}
