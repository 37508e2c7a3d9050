import { createRedis } from '@dreamify/core'
import { type Db, pingDatabase } from '@dreamify/db'
import type { FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/support/database.ts'
import { TEST_REDIS_URL } from '../../../test/support/services.ts'
import { buildHealthServer } from '../src/health-server.ts'
import { createWorkerMetrics } from '../src/metrics.ts'

let db: Db
let redis: Redis
let server: FastifyInstance
let base: string
const metrics = createWorkerMetrics({ defaultMetrics: false })

beforeAll(async () => {
  ;({ db } = await createTestDatabase())
  redis = createRedis(TEST_REDIS_URL, 'producer')
  server = await buildHealthServer({
    checks: { postgres: () => pingDatabase(db), redis: () => redis.ping() },
    scrape: () => metrics.scrape(),
  })
  // Over a real port, as ops probe it.
  base = await server.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  await server?.close()
  redis?.disconnect()
})

describe("a worker's health server", () => {
  it('answers liveness, and readiness with the postgres and redis checks', async () => {
    const live = await fetch(`${base}/health/live`)
    expect(live.status).toBe(200)
    expect(await live.json()).toEqual({ status: 'ok' })
    const ready = await fetch(`${base}/health/ready`)
    expect(ready.status).toBe(200)
    expect(ready.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { postgres: { status: 'up' }, redis: { status: 'up' } },
    })
  })

  it('serves its metrics in the Prometheus text format', async () => {
    const response = await fetch(`${base}/metrics`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await response.text()).toMatch(/^# HELP dreamify_job_duration_seconds /m)
  })

  it('answers an unknown path with a 404 in the one error shape', async () => {
    const response = await fetch(`${base}/nope?token=secret`)
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({
      statusCode: 404,
      code: 'NOT_FOUND',
      error: 'Not Found',
      message: 'route GET /nope not found',
    })
  })

  it('answers 503 naming the check that is down', async () => {
    const gone = createRedis(TEST_REDIS_URL, 'producer')
    gone.disconnect()
    const failing = await buildHealthServer({
      checks: { postgres: () => pingDatabase(db), redis: () => gone.ping() },
      scrape: () => Promise.reject(new Error('registry exploded at /secret/path')),
    })
    try {
      const ready = await failing.inject({ method: 'GET', url: '/health/ready' })
      expect(ready.statusCode).toBe(503)
      expect(ready.json()).toEqual({
        status: 'unavailable',
        checks: { postgres: { status: 'up' }, redis: { status: 'down', error: expect.any(String) } },
      })
      // A failing scrape says nothing about its cause.
      const scrape = await failing.inject({ method: 'GET', url: '/metrics' })
      expect(scrape.statusCode).toBe(500)
      expect(scrape.json()).toEqual({
        statusCode: 500,
        code: 'INTERNAL',
        error: 'Internal Server Error',
        message: 'internal error',
      })
    } finally {
      await failing.close()
    }
  })
})
