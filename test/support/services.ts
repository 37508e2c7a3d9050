// The Postgres and Redis the suite runs against; each test file gets its own database and queue prefix.
export const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0'

/** dreamify_test_t<epoch ms>_<kind>_<random>: the time lets cleanup tell leftovers from live ones. */
export function testDatabaseName(kind: string): string {
  return `dreamify_test_t${Date.now()}_${kind}_${Math.random().toString(36).slice(2, 8)}`
}

export function databaseUrl(name: string): string {
  const url = new URL(TEST_POSTGRES_URL)
  url.pathname = `/${name}`
  return url.toString()
}
