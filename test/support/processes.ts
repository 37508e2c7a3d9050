import { freePort, type NodeProcess, startApiProcess, startNodeProcess, startWorkerProcess } from '@dreamify/testkit'
import { TEST_SECRET } from './api.ts'
// Its end hook kills every process a test file started (see file-end.ts).
import './file-end.ts'
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
