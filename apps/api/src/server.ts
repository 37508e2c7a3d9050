// The API process: read config, build, listen, and close cleanly on SIGTERM/SIGINT.

import { closeQueues, createLogger, createQueues, createRedis, loadConfigOrExit } from '@dreamify/core'
import { createDatabase } from '@dreamify/db'
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.ts'
import { createNarrationAvailability } from './lib/narration-availability.ts'

const config = loadConfigOrExit()
const logger = createLogger(config.logLevel, 'api')
const db = createDatabase({ url: config.database.url, poolSize: config.database.poolSize })
const redis = createRedis(config.redis.url, 'producer')
const queues = createQueues(redis, config.redis.queuePrefix)
const narrationAvailable = createNarrationAvailability(config.generation)
const app = await buildApp({ config, db, queues, redis, logger, narrationAvailable })

closeWithGrace({ delay: config.http.shutdownTimeoutMs, logger }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'shutting down after an error')
  else logger.info({ signal }, 'shutting down')
  await app.close()
  await closeQueues(queues)
  redis.disconnect()
  await db.destroy()
})

await app.listen({ port: config.http.port, host: config.http.host })
