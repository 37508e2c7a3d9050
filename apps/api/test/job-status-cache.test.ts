import { randomUUID } from 'node:crypto'
import { type Db, jobLifecycle, jobRepository, sql } from '@dreamify/db'
import { beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/support/database.ts'
import { aChildOf } from '../../../test/support/families.ts'
import { createJobStatusCache } from '../src/lib/job-status-cache.ts'

let db: Db
let parentId: string
let otherParentId: string

beforeAll(async () => {
  ;({ db } = await createTestDatabase())
  const parent = (email: string) =>
    db
      .insertInto('parents')
      .values({ first_name: 'A', last_name: 'B', email, password_hash: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow()
  parentId = (await parent('cache@example.com')).id
  otherParentId = (await parent('other@example.com')).id
})

async function newAvatarJob() {
  const childId = await aChildOf(db, parentId)
  return jobRepository.create(db, { id: randomUUID(), parent_id: parentId, kind: 'avatar', child_id: childId })
}

describe('the job status cache', () => {
  it('serves concurrent polls of one job from one query, and never shows a row older than its TTL', async () => {
    const job = await newAvatarJob()
    const cache = createJobStatusCache(db, 150)
    const rows = await Promise.all(Array.from({ length: 20 }, () => cache.findOwned(parentId, job.id)))
    expect(new Set(rows).size).toBe(1)
    await sql`update jobs set status = 'running', stage = 'illustrating', percent = 50 where id = ${job.id}`.execute(db)
    expect((await cache.findOwned(parentId, job.id))?.percent).toBe(0)
    await new Promise((r) => setTimeout(r, 200))
    expect((await cache.findOwned(parentId, job.id))?.percent).toBe(50)
  })

  it("answers nothing for another parent's job, cached or not", async () => {
    const job = await newAvatarJob()
    const cache = createJobStatusCache(db)
    expect(await cache.findOwned(otherParentId, job.id)).toBeUndefined()
    expect(await cache.findOwned(parentId, job.id)).toBeDefined()
    expect(await cache.findOwned(otherParentId, job.id)).toBeUndefined()
  })

  it('drops a job this process changed', async () => {
    const job = await newAvatarJob()
    const cache = createJobStatusCache(db, 60_000)
    expect((await cache.findOwned(parentId, job.id))?.status).toBe('queued')
    await jobLifecycle.cancel(db, job.id)
    cache.forget(job.id)
    expect((await cache.findOwned(parentId, job.id))?.status).toBe('cancelled')
  })
})
