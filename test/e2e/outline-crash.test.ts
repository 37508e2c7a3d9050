import { type Db, sql } from '@dreamify/db'
import { type FakeOpenAI, outlineTask, startFakeOpenAI } from '@dreamify/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../support/client.ts'
import { createTestDatabase } from '../support/database.ts'
import { startApi, startWorker, waitFor } from '../support/processes.ts'
import { createTestPrefix } from '../support/queues.ts'
import { tallyStories } from '../support/tally.ts'

// A worker SIGKILLed while outlined stories are in their parallel phase (chapters being written
// and drawn at once): another worker picks their jobs up, and nothing is lost or done twice.
describe('a worker killed during the parallel phase of outlined stories', () => {
  let fake: FakeOpenAI
  let db: Db
  let env: Record<string, string>
  let parent: ApiClient
  let childId: string

  beforeAll(async () => {
    fake = await startFakeOpenAI({ tokensPerSecond: 60, imageLatencyMs: 1500 })
    const database = await createTestDatabase()
    db = database.db
    const prefix = createTestPrefix()
    env = {
      DATABASE_URL: database.url,
      QUEUE_PREFIX: prefix,
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_API_KEY: 'test',
      GENERATION_STRATEGY: 'outline',
      TEXT_CONCURRENCY: '8',
      STORIES_IN_FLIGHT_PER_PARENT: '0',
      STORIES_PER_DAY_PER_PARENT: '0',
    }
    const api = await startApi(env)
    parent = await new ApiClient(api.url).signUp('Crash')
    childId = (await parent.addChild()).child.id
  }, 60_000)

  afterAll(() => fake?.close())

  it('loses none and duplicates none; no story is planned twice', async () => {
    const doomed = await startWorker(env)
    const stories = []
    for (const topic of ['a moon made of cheese', 'a train to the stars', 'a garden of bells']) {
      stories.push((await parent.requestStory(childId, topic)).json as { story_id: string; job_id: string })
    }
    const ids = stories.map((s) => s.story_id)
    const written = async () => {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from chapters where story_id = any(${ids}::uuid[]) and written`.execute(db)
      return rows[0]!.n
    }
    const planned = async () => {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from stories where id = any(${ids}::uuid[]) and outline is not null`.execute(db)
      return rows[0]!.n
    }
    // Every story planned, some chapters written, most still on their way.
    await waitFor('the parallel phase', async () => (await planned()) === 3 && (await written()) >= 1, {
      timeoutMs: 60_000,
    })
    expect(await written()).toBeLessThan(15)
    await doomed.stop('SIGKILL')

    await startWorker(env)
    for (const story of stories) {
      const { final } = await parent.pollJob(story.job_id, { timeoutMs: 120_000 })
      expect(final).toMatchObject({ status: 'completed', progress: { chapters_written: 5, chapters_illustrated: 5 } })
    }
    expect(await tallyStories(db, ids)).toMatchObject({ requested: 3, completed: 3, lost: 0, duplicated: 0 })
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from chapters where story_id = any(${ids}::uuid[]) and written and content <> ''`.execute(
      db,
    )
    expect(rows[0]!.n).toBe(15)
    const plans = fake.calls.filter(
      (c) => c.path === '/v1/chat/completions' && outlineTask(c.body as never)?.kind === 'outline',
    )
    expect(plans).toHaveLength(3)
  }, 200_000)
})
