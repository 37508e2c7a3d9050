import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/support/database.ts'
import { idempotencyRepository, sql } from '../src/index.ts'

describe('idempotency keys housekeeping', async () => {
  const { db } = await createTestDatabase()

  it('deletes expired keys and abandoned reservations, in batches, and keeps live ones', async () => {
    const parentId = randomUUID()
    await sql`insert into parents (id, first_name, last_name, email, password_hash) values (${parentId}, 'A', 'B', ${`${parentId}@example.com`}, 'x')`.execute(
      db,
    )
    const row = (key: string, status: number | null, createdAgo: string, expiresIn: string) =>
      sql`
      insert into idempotency_keys (parent_id, key, route, request_hash, response_status, response_body, created_at, expires_at)
      values (${parentId}, ${key}, 'POST /stories', 'h', ${status}, null, now() - ${createdAgo}::interval, now() + ${expiresIn}::interval)`.execute(
        db,
      )
    await row('expired-1', 202, '25 hours', '-1 hour')
    await row('expired-2', 202, '26 hours', '-2 hours')
    await row('abandoned', null, '10 minutes', '23 hours')
    await row('answered', 202, '10 minutes', '23 hours')
    await row('in-flight', null, '5 seconds', '24 hours')

    expect(await idempotencyRepository.deleteExpired(db, 2)).toBe(2)
    expect(await idempotencyRepository.deleteExpired(db, 2)).toBe(1)
    expect(await idempotencyRepository.deleteExpired(db, 2)).toBe(0)
    const left = await db
      .selectFrom('idempotency_keys')
      .select('key')
      .where('parent_id', '=', parentId)
      .orderBy('key')
      .execute()
    expect(left.map((r) => r.key)).toEqual(['answered', 'in-flight'])
  })
})
