/**
 * The SQL of every job transition, kept for review in packages/db/test/queries/<transition>.sql (as
 * immich keeps its queries/*.sql): a change to a transition's SQL shows in the diff, and this test
 * fails until its snapshot is rewritten with it. Compiled offline from the transitions' own query
 * builders (jobLifecycle's sql-catalogue.ts), so no database is needed.
 *
 * After changing a transition on purpose, rewrite the snapshots and commit them with the change:
 *
 *   UPDATE_SQL_SNAPSHOTS=1 npx vitest run packages/db/test/lifecycle-sql.test.ts
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type LifecycleStatement, lifecycleSql } from '../src/index.ts'

const DIR = join(import.meta.dirname, 'queries')
const UPDATE = process.env.UPDATE_SQL_SNAPSHOTS === '1'

// One clause a line, so a diff points at the clause that changed.
const CLAUSE =
  /(?<!\bselect|\bkey|\bdelete|\bfor)\s+(?=(?:with|select|from|where|and|or|set|returning|values|on conflict|order by|limit|for update|for no key update|inner join|join|update|insert into|delete from|\), "?\w+"? as \()\b)/g

function layout(statement: string): string {
  return statement.replace(/\s+/g, ' ').trim().replace(CLAUSE, '\n  ')
}

function render(transition: string, statements: Record<string, LifecycleStatement>): string {
  const header = [
    `-- The SQL of the job transition "${transition}", in the order it runs.`,
    '-- Generated from packages/db/src/job-lifecycle/ by packages/db/test/lifecycle-sql.test.ts; do not edit.',
    '-- Rewrite: UPDATE_SQL_SNAPSHOTS=1 npx vitest run packages/db/test/lifecycle-sql.test.ts',
  ]
  const bodies = Object.entries(statements).map(([name, statement]) =>
    typeof statement === 'string'
      ? `-- ${name}\n${layout(statement)};`
      : `-- ${name}: the statement of ${statement.sameAs}.sql`,
  )
  return `${[header.join('\n'), ...bodies].join('\n\n')}\n`
}

describe('the SQL snapshots of the job transitions', () => {
  const catalogue = lifecycleSql()

  it.each(Object.entries(catalogue))('%s matches packages/db/test/queries/%s.sql', async (transition, statements) => {
    const file = join(DIR, `${transition}.sql`)
    const sql = render(transition, statements)
    if (UPDATE) {
      await mkdir(DIR, { recursive: true })
      await writeFile(file, sql)
    }
    const committed = await readFile(file, 'utf8').catch(() => '(no snapshot)')
    expect(committed, `${file} is stale: rewrite it with UPDATE_SQL_SNAPSHOTS=1 and review the diff`).toBe(sql)
  })

  it('keeps no snapshot of a transition that is gone', async () => {
    const files = (await readdir(DIR)).filter((name) => name.endsWith('.sql'))
    const expected = Object.keys(catalogue).map((transition) => `${transition}.sql`)
    if (UPDATE) for (const name of files.filter((f) => !expected.includes(f))) await rm(join(DIR, name))
    const left = (await readdir(DIR)).filter((name) => name.endsWith('.sql'))
    expect(left.sort()).toEqual(expected.sort())
  })

  it('spells "unfinished" the one way, from the shared list', () => {
    // every statement that moves a job tests that it is unfinished with the same fragment
    for (const [transition, statements] of Object.entries(catalogue)) {
      for (const [name, statement] of Object.entries(statements)) {
        if (typeof statement !== 'string') {
          expect(catalogue, `${transition} / ${name}`).toHaveProperty(statement.sameAs)
          continue
        }
        expect(statement, `${transition} / ${name}`).not.toMatch(/'running', 'queued'|status" in \(\$|status in \(\$/)
      }
    }
    expect(catalogue.complete!.complete).toMatch(/"status" in \('queued', 'running'\)/)
  })
})
