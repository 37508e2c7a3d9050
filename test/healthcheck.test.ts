import { execFile } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import { join, resolve } from 'node:path'
import { freePort } from '@dreamify/testkit'
import { afterEach, describe, expect, it } from 'vitest'

// The image's HEALTHCHECK (scripts/healthcheck.ts) must work for whichever process the container
// runs: the API on PORT, or a worker whose health server is on WORKER_METRICS_PORT.

const script = join(resolve(import.meta.dirname, '..'), 'scripts/healthcheck.ts')
const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))))
})

/** A stand-in for a process's health server: /health/ready answers `status`. */
async function healthServer(status: number): Promise<number> {
  const port = await freePort()
  const server = createServer((request, response) => {
    response.statusCode = request.url === '/health/ready' ? status : 404
    response.end('{}')
  })
  servers.push(server)
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done))
  return port
}

/** The health check's exit code, run as the image runs it. */
function healthcheck(ports: { api: number; worker: number }): Promise<number> {
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    JWT_SECRET: 'healthcheck-secret-that-is-long-enough-for-hs256',
    PORT: String(ports.api),
    WORKER_METRICS_PORT: String(ports.worker),
  }
  return new Promise((done) => {
    execFile(process.execPath, [script], { env, timeout: 20_000 }, (error) =>
      done(error ? ((error as { code?: number }).code ?? 1) : 0),
    )
  })
}

describe('the image health check', () => {
  it('is healthy for a container running the API', async () => {
    expect(await healthcheck({ api: await healthServer(200), worker: await freePort() })).toBe(0)
  })

  it('is healthy for a container running a worker, whose health server is on its own port', async () => {
    expect(await healthcheck({ api: await freePort(), worker: await healthServer(200) })).toBe(0)
  })

  it('is unhealthy when the process answers not ready, or nothing answers', async () => {
    expect(await healthcheck({ api: await freePort(), worker: await healthServer(503) })).toBe(1)
    expect(await healthcheck({ api: await healthServer(503), worker: await freePort() })).toBe(1)
    expect(await healthcheck({ api: await freePort(), worker: await freePort() })).toBe(1)
  })
})
