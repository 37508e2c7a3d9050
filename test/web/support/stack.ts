import type { Browser } from 'playwright-core'
import { beforeAll } from 'vitest'
import { ensureWebBuild } from '../../../scripts/web-build.ts'
import { createTestDatabase } from '../../support/database.ts'
import { startApi, startWorker } from '../../support/processes.ts'
import { createTestPrefix } from '../../support/queues.ts'
import { launchBrowser } from './browser.ts'

/**
 * What `./dreamify start` runs, on the test file's own database and queue prefix: the API serving
 * the built app, and a worker with the offline fixtures provider, slowed a little so that the
 * stages, the chapters and the pictures can be seen arriving one by one.
 */
async function startStack(env: Record<string, string> = {}) {
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

/**
 * The stack and a Chromium for the whole test file, started before its first test (the browser
 * closes after its last): read `stack.baseUrl` and `stack.browser` inside the tests.
 */
export function useStack(env: Record<string, string> = {}): { readonly baseUrl: string; readonly browser: Browser } {
  let started: { baseUrl: string; browser: Browser } | undefined
  beforeAll(async () => {
    const { baseUrl } = await startStack(env)
    started = { baseUrl, browser: await launchBrowser() }
  }, 240_000)
  const get = () => {
    if (!started) throw new Error('the stack starts in beforeAll: use it inside a test')
    return started
  }
  return {
    get baseUrl() {
      return get().baseUrl
    },
    get browser() {
      return get().browser
    },
  }
}
