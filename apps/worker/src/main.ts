// The worker process: read config, connect, run the queues' workers and the reconciler, and
// stop cleanly on SIGTERM/SIGINT (finish active jobs, or hand them back, within SHUTDOWN_TIMEOUT_MS).
import { closeQueues, createLogger, createQueues, createRedis, loadConfigOrExit } from '@dreamify/core'
import { createDatabase, sql } from '@dreamify/db'
import { createJobEventPublisher } from './events.ts'
import { serverPort, startHealthServer } from './health-server.ts'
import { startHousekeeping } from './housekeeping.ts'
import { createWorkerMetrics, instrumentProvider } from './metrics.ts'
import { createProvider } from './providers/index.ts'
import { startReconciler } from './reconciler.ts'
import { startSafetyScreen } from './safety/start.ts'
import { buildWorker } from './worker.ts'

const config = loadConfigOrExit()
const logger = createLogger(config.logLevel, 'worker')
const db = createDatabase({ url: config.database.url, poolSize: config.database.poolSize })
const connection = createRedis(config.redis.url, 'worker')
const subscriber = createRedis(config.redis.url, 'worker')
// Job events for the API's SSE streams: a connection that fails fast, so a step never waits on Redis for them.
// Auto-pipelining sends the events of concurrent steps in one write.
const eventsRedis = createRedis(config.redis.url, 'producer', { enableAutoPipelining: true })
const events = createJobEventPublisher({ redis: eventsRedis, prefix: config.redis.queuePrefix, logger })
const queues = createQueues(connection, config.redis.queuePrefix)
const metrics = createWorkerMetrics({ stories: { redis: eventsRedis, prefix: config.redis.queuePrefix } })
const provider = instrumentProvider(createProvider(config.generation), metrics)
const safety = await startSafetyScreen({ config, db, logger, registry: metrics.registry })
const worker = buildWorker({ config, db, provider, safety, queues, connection, subscriber, logger, events, metrics })
const reconciler = startReconciler({ db, queues, logger })
const housekeeping = startHousekeeping({ db, logger })

const health = await startHealthServer(
  config.worker.metricsPort,
  async () => ({
    postgres: await sql`select 1`.execute(db).then(
      () => ({ status: 'up' as const }),
      (e: Error) => ({ status: 'down' as const, error: e.message }),
    ),
    // The fail-fast connection: BullMQ's own would wait for Redis instead of answering 'down'.
    redis: await eventsRedis.ping().then(
      () => ({ status: 'up' as const }),
      (e: Error) => ({ status: 'down' as const, error: e.message }),
    ),
    // Not a dependency check: says which moderator this worker uses and how far it can be trusted.
    moderation: { status: 'up' as const, moderator: safety.moderator.name, assurance: safety.moderator.assurance },
  }),
  () => metrics.scrape(),
)
await worker.start()
logger.info({ provider: provider.name, healthPort: serverPort(health) }, 'worker ready')

let stopping = false
async function stop(signal: string) {
  if (stopping) return
  stopping = true
  logger.info({ signal }, 'shutting down')
  reconciler.stop()
  housekeeping.stop()
  await worker.close()
  health.close()
  await closeQueues(queues)
  connection.disconnect()
  subscriber.disconnect()
  eventsRedis.disconnect()
  await db.destroy()
  logger.info('stopped')
  process.exit(0)
}
process.on('SIGTERM', () => void stop('SIGTERM'))
process.on('SIGINT', () => void stop('SIGINT'))
