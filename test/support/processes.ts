import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { resolve } from 'node:path'
import { afterAll } from 'vitest'
import { TEST_SECRET } from './api.ts'
import { TEST_REDIS_URL } from './services.ts'

const ROOT = resolve(import.meta.dirname, '../..')

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => done(port))
    })
  })
}

export interface Service {
  process: ChildProcess
  /** everything the process printed, for assertions and for failure reports */
  output: () => string
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

// Children die with the test process even when a test times out before its afterAll runs, so no
// stray API or worker keeps connections to Postgres open after the suite.
const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

/** Starts a real process of ours (API or worker) with the test environment; stopped after the file. */
export function startProcess(entry: string, env: Record<string, string>): Service {
  const child = spawn(process.execPath, [entry], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '', NODE_ENV: 'test', JWT_SECRET: TEST_SECRET, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'info',
      REGISTRATIONS_PER_HOUR_PER_IP: '0', LOGIN_ATTEMPTS_PER_15_MIN: '0', DATABASE_POOL_SIZE: '4', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  running.add(child)
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => (running.delete(child), done(code))))
  const service: Service = {
    process: child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
  afterAll(() => service.stop('SIGKILL'))
  return service
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, { timeoutMs = 30_000, intervalMs = 100 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  while (Date.now() < deadline) {
    try {
      const value = await probe()
      if (value) return value
    } catch (error) {
      lastError = error
    }
    await new Promise((r) => setTimeout(r, intervalMs))
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`)
}

export async function startApi(env: Record<string, string>): Promise<Service & { url: string }> {
  const port = await freePort()
  const service = startProcess('apps/api/src/server.ts', { PORT: String(port), HOST: '127.0.0.1', ...env })
  const url = `http://127.0.0.1:${port}`
  await waitFor(`the API on ${url}\n${service.output()}`, async () => (await fetch(`${url}/health/live`)).ok)
  return { ...service, url }
}

export async function startWorker(env: Record<string, string>): Promise<Service & { healthUrl: string }> {
  const port = await freePort()
  const service = startProcess('apps/worker/src/main.ts', { WORKER_METRICS_PORT: String(port), ...env })
  await waitFor('the worker to be ready', async () => service.output().includes('worker ready'))
  return { ...service, healthUrl: `http://127.0.0.1:${port}` }
}
