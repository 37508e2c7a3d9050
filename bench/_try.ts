import { dropDatabase, migrateDatabase } from '@dreamify/db'
import { createPool, DATABASE_URL, newPrefix, parents, postStories, probe, startApi, startWorkers, stopLive, deleteKeys, waitForStories } from './support.ts'
await dropDatabase(DATABASE_URL)
await migrateDatabase(DATABASE_URL)
const pool = createPool()
const prefix = newPrefix('try')
const api = await startApi({ QUEUE_PREFIX: prefix }, { probe: true })
const workers = await startWorkers(2, { QUEUE_PREFIX: prefix, FIXTURES_TEXT_MS: '0', FIXTURES_IMAGE_MS: '0', TEXT_CONCURRENCY: '20', IMAGE_CONCURRENCY: '50' }, { probe: true })
try {
  const clients = await parents(api.url, 3)
  console.log(await probe(api))
  const ids = await postStories(clients, 100, 16)
  console.log(await waitForStories(pool, 100, { ids, timeoutMs: 60000 }))
  console.log(JSON.stringify(await probe(workers[0]!)))
} catch (e) { console.log('ERR', e, api.tail()) }
await stopLive()
await deleteKeys(prefix)
await pool.end()
