// The worker process: read config, connect, run the queues' workers and the reconciler, and
// stop cleanly on SIGTERM/SIGINT (finish active jobs, or hand them back, within SHUTDOWN_TIMEOUT_MS).
import type { AddressInfo } from 'node:net'
import { closeQueues, createLogger, createQueues, createRedis, loadConfigOrExit } from '@dreamify/core'
import { createDatabase, pingDatabase } from '@dreamify/db'
import { createMediaStores } from '@dreamify/media'
import { createJobEventPublisher } from './events.ts'
import { buildHealthServer } from './health-server.ts'
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
const metrics = createWorkerMetrics()
const provider = instrumentProvider(createProvider(config.generation, { logger }), metrics)
const safety = await startSafetyScreen({ config, db, logger, registry: metrics.registry })
const media = createMediaStores(db, config, metrics.registry)
const worker = buildWorker({
  config,
  db,
  media,
  provider,
  safety,
  queues,
  connection,
  subscriber,
  logger,
  events,
  metrics,
})
const reconciler = startReconciler({ db, queues, logger })
const housekeeping = startHousekeeping({
  db,
  logger,
  media,
  queues,
  orphanGraceSeconds: config.media.orphanGraceSeconds,
})

const health = await buildHealthServer({
  checks: {
    postgres: () => pingDatabase(db),
    // The fail-fast connection: BullMQ's own would wait for Redis instead of answering 'down'.
    redis: () => eventsRedis.ping(),
    media: () => media.store.check(),
  },
  // Not a dependency check: says which moderator this worker uses and how far it can be trusted.
  facts: { moderation: { status: 'up', moderator: safety.moderator.name, assurance: safety.moderator.assurance } },
  scrape: () => metrics.scrape(),
})
await health.listen({ port: config.worker.metricsPort, host: '0.0.0.0' })
await worker.start()
logger.info({ provider: provider.name, healthPort: (health.server.address() as AddressInfo).port }, 'worker ready')

let stopping = false
async function stop(signal: string) {
  if (stopping) return
  stopping = true
  logger.info({ signal }, 'shutting down')
  reconciler.stop()
  housekeeping.stop()
  await worker.close()
  await health.close()
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
