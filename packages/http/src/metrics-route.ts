import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export interface MetricsRouteOptions {
  /** the process's metrics in the Prometheus text format (a prom-client registry's) */
  scrape: () => Promise<{ contentType: string; body: string }>
}

/** `GET /metrics`: open, and hidden from the API's docs. */
export const metricsRoute = fp(
  async (app: FastifyInstance, { scrape }: MetricsRouteOptions) => {
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      const { contentType, body } = await scrape()
      return reply.type(contentType).send(body)
    })
  },
  { name: 'metrics-route', dependencies: [] },
)
