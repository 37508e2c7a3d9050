import {
  freePort,
  killRunningChildren,
  type NodeProcess,
  startApiProcess,
  startNodeProcess,
  startWorkerProcess,
} from '@dreamify/testkit'
import { afterAll } from 'vitest'
import { TEST_SECRET } from './api.ts'
import { TEST_REDIS_URL } from './services.ts'

export { freePort, waitFor } from '@dreamify/testkit'

export type Service = NodeProcess

const TEST_ENV = {
  NODE_ENV: 'test',
  JWT_SECRET: TEST_SECRET,
  REDIS_URL: TEST_REDIS_URL,
  LOG_LEVEL: 'info',
  REGISTRATIONS_PER_HOUR_PER_IP: '0',
  LOGIN_ATTEMPTS_PER_15_MIN: '0',
  DATABASE_POOL_SIZE: '4',
}

// Every process a test file started is killed when the file ends. The hook is registered when the
// file imports this module: one registered where a process starts (inside beforeAll or a test)
// never runs, and vitest ends its forks without the 'exit' event that testkit also listens to.
afterAll(() => killRunningChildren())

/** Starts a real process of ours (API or worker) with the test environment; killed after the file. */
export function startProcess(entry: string, env: Record<string, string>, args: string[] = []): Service {
  return startNodeProcess(entry, { env: { ...TEST_ENV, ...env }, args })
}

export async function startApi(env: Record<string, string>): Promise<Service & { url: string }> {
  return startApiProcess(startProcess, env)
}

export async function startWorker(env: Record<string, string>): Promise<Service & { healthUrl: string }> {
  const port = await freePort()
  const service = await startWorkerProcess(startProcess, { WORKER_METRICS_PORT: String(port), ...env })
  return Object.assign(service, { healthUrl: `http://127.0.0.1:${port}` })
}
