import { type Db, sql } from '@dreamify/db'
import type { Moderator } from '@dreamify/moderation'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type, { type Static } from 'typebox'

const Check = Type.Object({
  status: Type.Enum(['up', 'down']),
  latency_ms: Type.Optional(Type.Number()),
  error: Type.Optional(Type.String()),
  // the moderation entry: which moderator checks requests here, and how far it can be trusted
  moderator: Type.Optional(Type.String()),
  assurance: Type.Optional(Type.String()),
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

export const healthRoutes: FastifyPluginAsyncTypebox<{
  db: Db
  pingRedis?: () => Promise<unknown>
  moderator?: Pick<Moderator, 'name' | 'assurance'>
}> = async (app, { db, pingRedis, moderator }) => {
  app.get(
    '/health/live',
    {
      schema: {
        tags: ['health'],
        summary: 'The process is up',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  )

  app.get('/health/ready', {
    schema: { tags: ['health'], summary: 'Postgres and Redis are reachable', response: { 200: Ready, 503: Ready } },
    handler: async (_request, reply) => {
      const checks: Record<string, Static<typeof Check>> = {
        postgres: await timed(() => sql`select 1`.execute(db)),
      }
      if (pingRedis) checks.redis = await timed(pingRedis)
      if (moderator) checks.moderation = { status: 'up', moderator: moderator.name, assurance: moderator.assurance }
      const ready = Object.values(checks).every((c) => c.status === 'up')
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks })
    },
  })
}
