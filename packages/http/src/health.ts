import { ErrorResponse, type HealthCheck, idOf, Liveness, Readiness, refTo } from '@dreamify/core'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export interface HealthOptions {
  /** what readiness depends on, by name: each resolves when that dependency answers */
  checks: Record<string, () => Promise<unknown>>
  /** report each check's latency_ms (the API does; a worker's answer is just up or down) */
  reportLatency?: boolean
  /**
   * entries shown as they are, not probed: the moderator in use and its assurance (always up, since a
   * process without one does not start)
   */
  facts?: Record<string, HealthCheck>
}

async function run(check: () => Promise<unknown>, reportLatency: boolean): Promise<HealthCheck> {
  const started = performance.now()
  try {
    await check()
    if (!reportLatency) return { status: 'up' }
    return { status: 'up', latency_ms: Math.round((performance.now() - started) * 10) / 10 }
  } catch (error) {
    return { status: 'down', error: (error as Error).message }
  }
}

/**
 * `GET /health/live` (the process is up) and `GET /health/ready` (200 when every check passes,
 * else 503, with each check's answer): the same for the API and for each worker's own port.
 */
export const healthPlugin = fp(
  async (app: FastifyInstance, { checks, reportLatency = true, facts = {} }: HealthOptions) => {
    // Both answers are referred to by $id, so the API's OpenAPI document holds each once; the API has
    // registered the error shape already, a worker's health server has not.
    for (const schema of [ErrorResponse, Readiness]) if (!app.getSchema(idOf(schema))) app.addSchema(schema)
    // 400: the API refuses a query string with a NUL character on every route, these too.
    app.get(
      '/health/live',
      {
        schema: {
          tags: ['health'],
          summary: 'The process is up',
          response: { 200: Liveness, 400: refTo(ErrorResponse) },
        },
      },
      async () => ({ status: 'ok' as const }),
    )

    app.get(
      '/health/ready',
      {
        schema: {
          tags: ['health'],
          summary: 'Postgres and Redis are reachable',
          response: { 200: refTo(Readiness), 400: refTo(ErrorResponse), 503: refTo(Readiness) },
        },
      },
      async (_request, reply) => {
        const results: Record<string, HealthCheck> = {}
        for (const [name, check] of Object.entries(checks)) results[name] = await run(check, reportLatency)
        Object.assign(results, facts)
        const ready = Object.values(results).every((result) => result.status === 'up')
        return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks: results })
      },
    )
  },
  { name: 'health', dependencies: [] },
)
