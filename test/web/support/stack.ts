import { ensureWebBuild } from '../../../scripts/web-build.ts'
import { createTestDatabase } from '../../support/database.ts'
import { startApi, startWorker } from '../../support/processes.ts'
import { createTestPrefix } from '../../support/queues.ts'

/**
 * What `./dreamify start` runs, on the test file's own database and queue prefix: the API serving
 * the built app, and a worker with the offline fixtures provider, slowed a little so that the
 * stages, the chapters and the pictures can be seen arriving one by one.
 */
export async function startStack(env: Record<string, string> = {}) {
  await ensureWebBuild()
  const { url } = await createTestDatabase()
  const prefix = createTestPrefix()
  const shared = {
    DATABASE_URL: url,
    QUEUE_PREFIX: prefix,
    GENERATION_PROVIDER: 'fixtures',
    FIXTURES_TEXT_MS: '4000',
    FIXTURES_IMAGE_MS: '700',
    STREAMING: 'true',
    ...env,
  }
  const api = await startApi(shared)
  await startWorker(shared)
  return { baseUrl: api.url, api }
}
