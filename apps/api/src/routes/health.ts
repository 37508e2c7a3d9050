import { ErrorResponse } from '@dreamify/core'
import { type Db, sql } from '@dreamify/db'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'

const Check = Type.Object({
  status: Type.Enum(['up', 'down']),
  latency_ms: Type.Optional(Type.Number()),
  error: Type.Optional(Type.String()),
})
const Ready = Type.Object({ status: Type.Enum(['ready', 'unavailable']), checks: Type.Record(Type.String(), Check) })

async function timed(check: () => Promise<unknown>) {
  const started = performance.now()
  try {
    await check()
    return { status: 'up' as const, latency_ms: Math.round((performance.now() - started) * 10) / 10 }
  } catch (error) {
    return { status: 'down' as const, error: (error as Error).message }
  }
}

export const healthRoutes: FastifyPluginAsyncTypebox<{ db: Db; pingRedis?: () => Promise<unknown> }> = async (
  app,
  { db, pingRedis },
) => {
  // A 400: a query string with a NUL character is refused on every route (plugins/validation.ts), these too.
  app.get(
    '/health/live',
    {
      schema: {
        tags: ['health'],
        summary: 'The process is up',
        response: { 200: Type.Object({ status: Type.Literal('ok') }), 400: ErrorResponse },
      },
    },
    async () => ({ status: 'ok' as const }),
  )

  app.get('/health/ready', {
    schema: {
      tags: ['health'],
      summary: 'Postgres and Redis are reachable',
      response: { 200: Ready, 400: ErrorResponse, 503: Ready },
    },
    handler: async (_request, reply) => {
      const checks: Record<string, Awaited<ReturnType<typeof timed>>> = {
        postgres: await timed(() => sql`select 1`.execute(db)),
      }
      if (pingRedis) checks.redis = await timed(pingRedis)
      const ready = Object.values(checks).every((c) => c.status === 'up')
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks })
    },
  })
}
