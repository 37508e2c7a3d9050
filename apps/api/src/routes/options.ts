import { OptionsResponse, optionsFor } from '@dreamify/core'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { documentRoutes } from '../lib/route-docs.ts'

/**
 * `GET /api/options`: the choices for every enumerated field, public and the same for everyone;
 * narration says whether this server's provider can read aloud.
 */
export const optionRoutes: FastifyPluginAsyncTypebox<{
  provider: string
  narrationAvailable: () => Promise<boolean>
}> = async (app, { provider, narrationAvailable }) => {
  documentRoutes(app, { tags: ['children'] })
  const options = optionsFor(provider)
  app.get('/options', {
    schema: {
      summary:
        'The choices for age range, appearance, genre, illustration style, story language, narration voice and report reason, with labels',
      description:
        'Derived from the lists the API validates against. `languages` are those the active provider writes, each labelled in its own language, with its text direction. Public and cacheable.',
      response: { 200: OptionsResponse },
    },
    handler: async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=3600')
      return { ...options, narration: { ...options.narration, available: await narrationAvailable() } }
    },
  })
}
