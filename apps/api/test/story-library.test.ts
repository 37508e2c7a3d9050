import { randomUUID } from 'node:crypto'
import { type Db, sql } from '@dreamify/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { aChild, aQueuedStory, buildTestApp, signUp } from '../../../test/support/api.ts'
import { createTestDatabase } from '../../../test/support/database.ts'
import type { App } from '../src/app.ts'
import { decodeCursor } from '../src/lib/cursor.ts'

let app: App
let db: Db
beforeAll(async () => {
  ;({ db } = await createTestDatabase())
  app = await buildTestApp(db)
})
afterAll(() => app?.close())

/** A finished story at an exact time (Postgres keeps microseconds), with its job. */
async function storyAt(parentId: string, childId: string, createdAt: string): Promise<string> {
  const id = randomUUID()
  const jobId = randomUUID()
  await sql`
    with story as (
      insert into stories (id, parent_id, child_id, topic, story_genre, image_style, chapters_total, job_id, created_at)
      values (${id}, ${parentId}, ${childId}, 'a topic', 'Fantasy', 'Cartoon', 1, ${jobId}, ${createdAt}::timestamptz)
      returning id
    )
    insert into jobs (id, parent_id, kind, story_id, status, stage, percent)
    select ${jobId}, ${parentId}, 'story', id, 'completed', 'done', 100 from story`.execute(db)
  return id
}

describe('GET /api/children/:child_id/stories pages through a library', () => {
  it('skips and repeats no story created in the same millisecond as a page boundary', async () => {
    const { headers, parentId } = await signUp(app, 'Library')
    const created = await app.inject({ method: 'POST', url: '/api/children', headers, payload: aChild })
    const childId = created.json().child.id as string

    // Seven stories within one millisecond, a microsecond apart, between two in other milliseconds.
    const times = [
      '2026-06-01T12:00:00.124000Z',
      ...[7, 6, 5, 4, 3, 2, 1].map((us) => `2026-06-01T12:00:00.12300${us}Z`),
      '2026-06-01T12:00:00.122999Z',
    ]
    const expected: string[] = []
    for (const time of times) expected.push(await storyAt(parentId, childId, time))

    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const query: string = cursor === null ? '' : `&cursor=${cursor}`
      const response = await app.inject({
        method: 'GET',
        url: `/api/children/${childId}/stories?limit=2${query}`,
        headers,
      })
      expect(response.statusCode).toBe(200)
      const body = response.json() as { stories: Array<{ story_id: string }>; next_cursor: string | null }
      seen.push(...body.stories.map((story) => story.story_id))
      cursor = body.next_cursor
      pages += 1
    } while (cursor !== null && pages < 20)

    expect(seen).toEqual(expected)
    expect(pages).toBe(5)
  })

  it('keeps the microseconds in the cursor, and still takes a cursor of milliseconds', () => {
    const id = randomUUID()
    const micro = Buffer.from(`2026-06-01T12:00:00.123004Z|${id}`).toString('base64url')
    expect(decodeCursor(micro)).toEqual({ createdAt: '2026-06-01T12:00:00.123004Z', id })
    const milli = Buffer.from(`2026-06-01T12:00:00.123Z|${id}`).toString('base64url')
    expect(decodeCursor(milli)).toEqual({ createdAt: '2026-06-01T12:00:00.123Z', id })
  })

  it('answers 400 INVALID_CURSOR for a date Postgres would refuse', async () => {
    const { headers } = await signUp(app, 'Cursor')
    const created = await app.inject({ method: 'POST', url: '/api/children', headers, payload: aChild })
    const childId = created.json().child.id as string
    const cursor = Buffer.from(`2026-02-30T12:00:00.000000Z|${randomUUID()}`).toString('base64url')
    const response = await app.inject({
      method: 'GET',
      url: `/api/children/${childId}/stories?cursor=${cursor}`,
      headers,
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().code).toBe('INVALID_CURSOR')
  })
})

describe('GET /api/stories/:story_id', () => {
  it('tells how many chapters the story was asked for while none is written yet', async () => {
    const threeChapters = await buildTestApp(db, { STORY_CHAPTERS: '3' })
    try {
      const { headers } = await signUp(threeChapters, 'Nell')
      const accepted = await aQueuedStory(threeChapters, headers)
      const story = await threeChapters.inject({
        method: 'GET',
        url: `/api/stories/${accepted.story_id}`,
        headers,
      })
      expect(story.json()).toMatchObject({ status: 'queued', chapters_total: 3, chapters: [] })
    } finally {
      await threeChapters.close()
    }
  })
})
