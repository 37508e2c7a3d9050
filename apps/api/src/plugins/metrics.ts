import { type Queues, withTimeout } from '@dreamify/core'
import { metricsOn } from '@dreamify/core/metrics'
import { metricsRoute } from '@dreamify/http'
import type { Queue } from 'bullmq'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client'

declare module 'fastify' {
  interface FastifyInstance {
    metricsRegistry: Registry
  }
}

/** The BullMQ states reported by `dreamify_queue_jobs`. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'] as const

/** How long a scrape waits for one queue's counts before leaving that queue out. */
const QUEUE_COUNT_TIMEOUT_MS = 1000

/** Requests that matched no route share one label value, so unknown URLs cannot blow up the series count. */
export const UNMATCHED_ROUTE = '(unmatched)'

/**
 * Prometheus metrics at GET /metrics (open, hidden from the docs): the process's default metrics,
 * request durations by route pattern, and queue depths read from Redis at scrape time. A registry
 * of the app's own, so several apps in one process (tests) never collide.
 */
export const metricsPlugin = fp(
  async (app: FastifyInstance, { queues }: { queues: Queues }) => {
    const registry = new Registry()
    collectDefaultMetrics({ register: registry, prefix: 'dreamify_api_' })
    // Other parts of the app count on the same registry (moderation decisions, story reports).
    app.decorate('metricsRegistry', registry)

    const requestDuration = metricsOn(registry).histogram(
      'dreamify_http_request_duration_seconds',
      'HTTP request duration by method, route pattern and status code',
      ['method', 'route', 'status_code'],
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    )

    // prom-client's own form: this gauge is read at scrape time (collect).
    new Gauge({
      name: 'dreamify_queue_jobs',
      help: 'Jobs in each BullMQ queue by state, read at scrape time (a queue whose Redis does not answer is left out)',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
      async collect() {
        this.reset()
        await Promise.all(
          Object.values(queues).map(async (queue: Queue) => {
            try {
              const counts = await withTimeout(queue.getJobCounts(...QUEUE_STATES), QUEUE_COUNT_TIMEOUT_MS)
              for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0)
            } catch (error) {
              app.log.debug({ err: error, queue: queue.name }, 'could not count the queue for /metrics')
            }
          }),
        )
      },
    })

    app.addHook('onResponse', async (request, reply) => {
      requestDuration.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? UNMATCHED_ROUTE,
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      )
    })

    await app.register(metricsRoute, {
      scrape: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
    })
  },
  { name: 'metrics', dependencies: [] },
)
