import { largeLibrary, libraryLoadStatements } from '@dreamify/testkit'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/support/database.ts'
import {
  chapterRepository,
  childRepository,
  type Database,
  type Db,
  jobRepository,
  sql,
  storyRepository,
} from '../src/index.ts'

// Every statement is prepared once per connection, and after 5 runs Postgres may switch to a
// generic plan: one made without the parameters' values, from estimates alone. A generic plan
// that misjudges a large library reads and sorts all of it on every page (a library page went
// from 1 ms to 1 s at a million stories). So each hot read's generic plan is run here, on one
// child with a large library among many others, and must read a bounded number of rows.

const LIBRARY = 20_000
const PAGE = 20

interface CapturedQuery {
  sql: string
  parameters: readonly unknown[]
}

interface PlanNode {
  'Node Type': string
  'Actual Rows': number
  'Actual Loops': number
  'Rows Removed by Filter'?: number
  'Rows Removed by Index Recheck'?: number
  Plans?: PlanNode[]
}

/** Rows the plan's scans produced or threw away, over all their loops: what the query read. */
function rowsRead(node: PlanNode): number {
  const own = /Scan/.test(node['Node Type'])
    ? (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) *
      node['Actual Loops']
    : 0
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child), 0)
}

function nodeTypes(node: PlanNode): string[] {
  return [node['Node Type'], ...(node.Plans ?? []).flatMap(nodeTypes)]
}

describe('hot reads under their generic plans', async () => {
  const { url, db } = await createTestDatabase()
  // The repositories' own statements, as they send them: a Kysely that records each query.
  const captured: CapturedQuery[] = []
  const recording: Db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
    log: (event) => {
      if (event.level === 'query') captured.push({ sql: event.query.sql, parameters: event.query.parameters })
    },
  })
  const explainer = new pg.Client({ connectionString: url })
  afterAll(async () => {
    await recording.destroy()
    await explainer.end()
  })

  beforeAll(async () => {
    for (const statement of libraryLoadStatements({
      parents: 2_000,
      storiesPerChild: 10,
      largeLibrary: LIBRARY,
      chaptersPerStory: 2,
    }))
      await sql.raw(statement).execute(db)
    await explainer.connect()
    await explainer.query('set plan_cache_mode = force_generic_plan')
  }, 120_000)

  /** Runs the repository call, then EXPLAIN ANALYZE of its statement's generic plan. */
  async function genericPlanOf<T>(call: (db: Db) => Promise<T>): Promise<{ result: T; plan: PlanNode }> {
    captured.length = 0
    const result = await call(recording)
    expect(captured).toHaveLength(1)
    const { sql: text, parameters } = captured[0]!
    expect(parameters.length).toBeGreaterThan(0)
    const literals = parameters.map((value) =>
      typeof value === 'number' ? String(value) : explainer.escapeLiteral(String(value)),
    )
    await explainer.query(`prepare hot_read as ${text}`)
    try {
      const { rows } = await explainer.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
        `explain (analyze, format json) execute hot_read(${literals.join(', ')})`,
      )
      return { result, plan: rows[0]!['QUERY PLAN'][0].Plan }
    } finally {
      await explainer.query('deallocate hot_read')
    }
  }

  it('loads one child with a large library among many', async () => {
    const { rows } = await sql<{ count: string }>`
      select count(*) as count from stories where child_id = ${largeLibrary.childId}`.execute(db)
    expect(Number(rows[0]!.count)).toBe(LIBRARY)
  })

  it("reads one page of the child's library, not the whole library, for the first page and with a cursor", async () => {
    const first = await genericPlanOf((handle) =>
      storyRepository.listByChild(handle, largeLibrary.childId, { limit: PAGE }),
    )
    expect(first.result).toHaveLength(PAGE + 1)
    // A page costs its stories, their jobs and their covers: about 3 rows for each of limit + 1 stories.
    expect(rowsRead(first.plan)).toBeLessThanOrEqual(3 * (PAGE + 1))
    expect(nodeTypes(first.plan)).not.toContain('Sort')

    const last = first.result[PAGE - 1]!
    const next = await genericPlanOf((handle) =>
      storyRepository.listByChild(handle, largeLibrary.childId, {
        limit: PAGE,
        after: { createdAt: last.cursor_created_at, id: last.id },
      }),
    )
    expect(next.result).toHaveLength(PAGE + 1)
    expect(next.result[0]!.id).toBe(first.result[PAGE]!.id)
    expect(rowsRead(next.plan)).toBeLessThanOrEqual(3 * (PAGE + 1))
    expect(nodeTypes(next.plan)).not.toContain('Sort')
  })

  it('reads one story and its own chapters', async () => {
    const story = await genericPlanOf((handle) =>
      storyRepository.findOwned(handle, largeLibrary.parentId, largeLibrary.storyId),
    )
    expect(story.result?.id).toBe(largeLibrary.storyId)
    expect(rowsRead(story.plan)).toBeLessThanOrEqual(2)

    const chapters = await genericPlanOf((handle) => chapterRepository.listByStory(handle, largeLibrary.storyId))
    expect(chapters.result).toHaveLength(2)
    // A bitmap scan counts each chapter twice: in the index, then in the table.
    expect(rowsRead(chapters.plan)).toBeLessThanOrEqual(2 * 2)
  })

  it('reads one job row for a poll, and only the unfinished jobs for the in-flight count', async () => {
    const poll = await genericPlanOf((handle) => jobRepository.find(handle, largeLibrary.jobId))
    expect(poll.result?.id).toBe(largeLibrary.jobId)
    expect(rowsRead(poll.plan)).toBeLessThanOrEqual(1)

    const owned = await genericPlanOf((handle) =>
      jobRepository.findOwned(handle, largeLibrary.parentId, largeLibrary.jobId),
    )
    expect(owned.result?.id).toBe(largeLibrary.jobId)
    expect(rowsRead(owned.plan)).toBeLessThanOrEqual(1)

    // The parent has LIBRARY finished jobs and 2 unfinished ones, the only unfinished jobs there are.
    const inFlight = await genericPlanOf((handle) => jobRepository.countStoriesInFlight(handle, largeLibrary.parentId))
    expect(inFlight.result).toBe(2)
    expect(rowsRead(inFlight.plan)).toBeLessThanOrEqual(4)
  })

  it("reads one child to check it is the parent's", async () => {
    const child = await genericPlanOf((handle) =>
      childRepository.findOwned(handle, largeLibrary.parentId, largeLibrary.childId),
    )
    expect(child.result?.id).toBe(largeLibrary.childId)
    expect(rowsRead(child.plan)).toBeLessThanOrEqual(1)
  })
})
