// The Postgres and Redis the suite runs against; each test file gets its own database and queue prefix.
export const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0'

/**
 * The run's id, set by the global setup; test files run in forks that inherit it. It is in every
 * database and queue prefix the run makes, so the run can tell at its end what it left behind.
 */
export const testRunId = () => process.env.DREAMIFY_TEST_RUN ?? 'norun'

const randomSuffix = () => Math.random().toString(36).slice(2, 8)

/**
 * dreamify_test_t<epoch ms>_<run>_<kind>_<random>: the time lets cleanup tell leftovers from live
 * ones (see the global setup).
 */
export function testDatabaseName(kind: string): string {
  return `dreamify_test_t${Date.now()}_${testRunId()}_${kind}_${randomSuffix()}`
}

/** dreamify-test-t<epoch ms>-<run>-<random>: a test file's queue prefix, named as its database is. */
export function testQueuePrefix(): string {
  return `dreamify-test-t${Date.now()}-${testRunId()}-${randomSuffix()}`
}

/** When a test database or queue prefix was made (epoch ms), and by which run; undefined for anything else. */
export function madeByTests(name: string): { createdAt: number; run: string } | undefined {
  const match = /^dreamify[_-]test[_-]t(\d+)[_-]([0-9a-z]+)[_-]/.exec(name)
  return match ? { createdAt: Number(match[1]), run: match[2]! } : undefined
}

export function databaseUrl(name: string): string {
  const url = new URL(TEST_POSTGRES_URL)
  url.pathname = `/${name}`
  return url.toString()
}
