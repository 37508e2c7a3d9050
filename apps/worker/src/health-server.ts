import {
  answerNotFound,
  type HealthOptions,
  healthPlugin,
  type MetricsRouteOptions,
  metricsRoute,
} from '@dreamify/http'
import Fastify, { type FastifyInstance } from 'fastify'

export interface HealthServerDeps {
  /** what the worker's readiness depends on, by name (see @dreamify/http's healthPlugin) */
  checks: Record<string, () => Promise<unknown>>
  /** entries shown as they are (the moderator in use), see healthPlugin's `facts` */
  facts?: HealthOptions['facts']
  scrape: MetricsRouteOptions['scrape']
}

/**
 * A worker's own small HTTP port: /health/live, /health/ready and /metrics, so that ops can probe
 * and scrape each worker process. The same health plugin and metrics route as the API's.
 */
export async function buildHealthServer({ checks, facts, scrape }: HealthServerDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  app.setNotFoundHandler(answerNotFound)
  // A failed scrape says nothing about its cause: the worker's port is open to whoever can reach it.
  app.setErrorHandler((_error, _request, reply) =>
    reply.status(500).send({
      statusCode: 500,
      code: 'INTERNAL',
      error: 'Internal Server Error',
      message: 'internal error',
    }),
  )
  // Readiness is up or down per check; latency belongs to the API's answer.
  await app.register(healthPlugin, { checks, facts, reportLatency: false })
  await app.register(metricsRoute, { scrape })
  return app
}
