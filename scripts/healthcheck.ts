// The image's HEALTHCHECK: is the process this container runs ready? One image runs the API (its
// port is PORT) or a worker (its health server is on WORKER_METRICS_PORT), so this asks
// /health/ready on both ports and is healthy when either answers 200; the port of the process
// that is not running refuses at once. (A worker with WORKER_METRICS_PORT=0 picks a free port,
// which no health check can know.) Exits 0 for healthy, 1 for not.
// The config module is imported by path: the image installs production dependencies only, and the
// root's link to @dreamify/core is a development one.
import { loadConfig } from '../packages/core/src/config.ts'

const TIMEOUT_MS = 4000

async function isReady(port: number): Promise<boolean> {
  if (port === 0) return false
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(TIMEOUT_MS) })
    await response.body?.cancel()
    return response.ok
  } catch {
    return false
  }
}

try {
  const config = loadConfig()
  const answers = await Promise.all([isReady(config.http.port), isReady(config.worker.metricsPort)])
  process.exit(answers.includes(true) ? 0 : 1)
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
}
