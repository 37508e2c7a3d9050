import { describe, expect, it } from 'vitest'
import { checkServices } from '../src/reachability.ts'

// Port 1 on the loopback is never a Postgres or a Redis: connections to it are refused at once.
const NOWHERE_POSTGRES = 'postgres://postgres:hunter2@127.0.0.1:1/dreamify'
const NOWHERE_REDIS = 'redis://127.0.0.1:1'
const POSTGRES = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0'

describe('checkServices', () => {
  it('passes when both are there, even before the app database exists', async () => {
    const missingDatabase = new URL(POSTGRES)
    missingDatabase.pathname = '/dreamify_no_such_database'
    await expect(checkServices({ postgres: missingDatabase.toString(), redis: REDIS })).resolves.toBeUndefined()
  })

  it('says which service is missing, where (without its password), and how to start it', async () => {
    const postgres = await checkServices({ postgres: NOWHERE_POSTGRES, redis: REDIS }).catch((e: Error) => e)
    expect((postgres as Error).message).toMatch(/cannot reach Postgres at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1/)
    expect((postgres as Error).message).not.toContain('hunter2')
    expect((postgres as Error).message).toContain('DATABASE_URL')

    const redis = await checkServices({ postgres: POSTGRES, redis: NOWHERE_REDIS }).catch((e: Error) => e)
    expect((redis as Error).message).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1/)
    expect((redis as Error).message).toContain('redis-server')
  })
})
