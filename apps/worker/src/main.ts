// The worker process: read config, connect, run the queues' workers and the reconciler, and
// stop cleanly on SIGTERM/SIGINT (finish active jobs, or hand them back, within SHUTDOWN_TIMEOUT_MS).
import { ConfigError, closeQueues, createLogger, createQueues, createRedis, loadConfig } from '@dreamify/core'
import { createDatabase, sql } from '@dreamify/db'
import { startHealthServer, serverPort } from './health-server.ts'
import { createProvider } from './providers/index.ts'
import { startReconciler } from './reconciler.ts'
import { buildWorker } from './worker.ts'

let config
try {
  config = loadConfig()
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(error.message)
  process.exit(1)
}
const logger = createLogger(config.logLevel, 'worker')
const db = createDatabase({ url: config.database.url, poolSize: config.database.poolSize })
const connection = createRedis(config.redis.url, 'worker')
const subscriber = createRedis(config.redis.url, 'worker')
const queues = createQueues(connection, config.redis.queuePrefix)
const provider = createProvider(config.generation)
const worker = buildWorker({ config, db, provider, queues, connection, subscriber, logger })
const reconciler = startReconciler({ db, queues, logger })

const health = await startHealthServer(
  config.worker.metricsPort,
  async () => ({
    postgres: await sql`select 1`.execute(db).then(() => ({ status: 'up' as const }), (e: Error) => ({ status: 'down' as const, error: e.message })),
    redis: await connection.ping().then(() => ({ status: 'up' as const }), (e: Error) => ({ status: 'down' as const, error: e.message })),
  }),
  async () => ({ contentType: 'text/plain; version=0.0.4', body: '' }),
)
await worker.start()
logger.info({ provider: provider.name, healthPort: serverPort(health) }, 'worker ready')

let stopping = false
async function stop(signal: string) {
  if (stopping) return
  stopping = true
  logger.info({ signal }, 'shutting down')
  reconciler.stop()
  await worker.close()
  health.close()
  await closeQueues(queues)
  connection.disconnect()
  subscriber.disconnect()
  await db.destroy()
  logger.info('stopped')
  process.exit(0)
}
process.on('SIGTERM', () => void stop('SIGTERM'))
process.on('SIGINT', () => void stop('SIGINT'))
