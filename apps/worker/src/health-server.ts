import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export type ReadinessCheck = () => Promise<Record<string, { status: 'up' | 'down'; error?: string }>>

/**
 * A worker's own small HTTP port: /health/live, /health/ready and /metrics, so that ops can probe
 * and scrape each worker process.
 */
export function startHealthServer(
  port: number,
  ready: ReadinessCheck,
  metrics: () => Promise<{ contentType: string; body: string }>,
): Promise<Server> {
  const server = createServer(async (request, response) => {
    try {
      if (request.url === '/health/live') return json(response, 200, { status: 'ok' })
      if (request.url === '/health/ready') {
        const checks = await ready()
        const up = Object.values(checks).every((c) => c.status === 'up')
        return json(response, up ? 200 : 503, { status: up ? 'ready' : 'unavailable', checks })
      }
      if (request.url === '/metrics') {
        const { contentType, body } = await metrics()
        response.writeHead(200, { 'content-type': contentType }).end(body)
        return
      }
      json(response, 404, {
        statusCode: 404,
        code: 'NOT_FOUND',
        error: 'Not Found',
        message: `route ${request.method} ${request.url} not found`,
      })
    } catch {
      json(response, 500, {
        statusCode: 500,
        code: 'INTERNAL',
        error: 'Internal Server Error',
        message: 'internal error',
      })
    }
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '0.0.0.0', () => resolve(server))
  })
}

export const serverPort = (server: Server) => (server.address() as AddressInfo).port

function json(response: import('node:http').ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}
