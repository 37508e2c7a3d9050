import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseUrl, testDatabaseName } from '../../../test/support/services.ts'
import { createDatabase, type Db, dropDatabase, ensureDatabase, sql } from '../src/index.ts'

describe('prepared statements', () => {
  const url = databaseUrl(testDatabaseName('prepared'))
  let db: Db
  beforeAll(async () => {
    await ensureDatabase(url)
    // One connection, so every query below runs on the same one until it is replaced.
    db = createDatabase({ url, poolSize: 1 })
    await sql`create table notes (id integer primary key, body text not null)`.execute(db)
    await sql`insert into notes values (1, 'one'), (2, 'two')`.execute(db)
  })
  afterAll(async () => {
    await db.destroy()
    await dropDatabase(url)
  })

  const backendPid = async () => (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]!.pid
  const prepared = async () =>
    (
      await sql<{ name: string }>`select name from pg_prepared_statements where name like ${'dreamify_%'}`.execute(db)
    ).rows.map((r) => r.name)
  const readNote = (id: number) => sql<Record<string, unknown>>`select * from notes where id = ${id}`.execute(db)

  it('prepares a parameterised statement once per connection and reuses it', async () => {
    const before = await prepared()
    expect((await readNote(1)).rows).toEqual([{ id: 1, body: 'one' }])
    const after = await prepared()
    expect(after.length).toBeGreaterThan(before.length)
    expect((await readNote(2)).rows).toEqual([{ id: 2, body: 'two' }])
    expect(await prepared()).toEqual(after)
  })

  it('replaces a connection whose statements a migration made stale, after failing that query once', async () => {
    await readNote(1)
    const pid = await backendPid()
    await sql`alter table notes add column pinned boolean not null default false`.execute(db)
    await expect(readNote(1)).rejects.toMatchObject({ code: '0A000' })
    // The stale connection was destroyed on release, not reused.
    expect(await backendPid()).not.toBe(pid)
    expect((await readNote(1)).rows).toEqual([{ id: 1, body: 'one', pinned: false }])
  })
})
