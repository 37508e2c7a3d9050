import { randomUUID } from 'node:crypto'
import { DEFAULT_THRESHOLDS } from '@dreamify/core'
import { childRepository, type Db, parentRepository, storyRepository } from '@dreamify/db'
import { CHECK_RETRIES, createLocalModerator, createOpenAIModerator } from '@dreamify/moderation'
import { aChild, type FakeOpenAI, startFakeOpenAI } from '@dreamify/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/support/database.ts'
import { decide } from '../src/failures.ts'
import { ProviderError } from '../src/providers/index.ts'
import { createSafetyScreen } from '../src/safety/screen.ts'

// The worker's moderator with its audit trail, on a real database, against the fake server.
let db: Db
let fake: FakeOpenAI
let storyId: string
const jobId = `job-${randomUUID()}`

beforeAll(async () => {
  ;({ db } = await createTestDatabase())
  fake = await startFakeOpenAI()
  const created = await parentRepository.create(db, {
    first_name: 'A',
    last_name: 'B',
    email: `${randomUUID()}@example.com`,
    password_hash: 'x',
  })
  if (!created) throw new Error('parent not created')
  const parent = created
  const child = await childRepository.create(db, { ...aChild, parent_id: parent.id })
  storyId = randomUUID()
  await storyRepository.createWithJob(db, {
    id: storyId,
    job_id: jobId,
    parent_id: parent.id,
    child_id: child.id,
    topic: 'a lost red balloon',
    story_genre: 'Fantasy',
    image_style: 'Cartoon',
    chapters_total: 3,
  })
})
afterAll(() => fake?.close())

const openai = () =>
  createOpenAIModerator({ apiKey: 'k', baseURL: fake.baseURL, timeoutMs: 5000, thresholds: { ...DEFAULT_THRESHOLDS } })
const target = { stage: 'story_text' as const, target: 'chapter 2' }
const retryable = { attemptsMade: 0, opts: { attempts: 5 } }

describe('the safety screen', () => {
  it('stores every decision with its top categories, never the text', async () => {
    const screen = createSafetyScreen({ db, moderator: createLocalModerator() })
    const verdict = await screen.check({ storyId, jobId, ...target }, { text: 'a zombie that eats children' })
    expect(verdict.decision).toBe('flagged')
    const rows = await db.selectFrom('moderation_decisions').selectAll().where('story_id', '=', storyId).execute()
    expect(rows).toEqual([
      expect.objectContaining({
        job_id: jobId,
        stage: 'story_text',
        target: 'chapter 2',
        moderator: 'local',
        decision: 'flagged',
        categories: [{ category: 'horror', score: 1 }],
      }),
    ])
    expect(JSON.stringify(rows)).not.toContain('zombie')
  })

  it('fails closed: an unreachable moderator is a transient error the queue retries', async () => {
    const screen = createSafetyScreen({ db, moderator: openai() })
    fake.configure({ failNext: Array.from({ length: CHECK_RETRIES + 1 }, () => '500' as const), scope: 'moderations' })
    const error = await screen.check({ storyId, jobId, ...target }, { text: 'hello' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toMatchObject({ kind: 'transient', code: 'PROVIDER_UNAVAILABLE' })
    expect(decide(error, retryable)).toEqual({ action: 'retry' })
  })

  it("pauses on the moderator's 429 and fails at once on refused credentials", async () => {
    const screen = createSafetyScreen({ db, moderator: openai() })
    const limitedEveryTry = Array.from({ length: CHECK_RETRIES + 1 }, () => '429' as const)
    fake.configure({ failNext: [...limitedEveryTry, '401'], scope: 'moderations' })
    const limited = await screen.check({ storyId, jobId, ...target }, { text: 'hello' }).catch((e: unknown) => e)
    expect(decide(limited, retryable)).toMatchObject({ action: 'pause' })
    const refused = await screen.check({ storyId, jobId, ...target }, { text: 'hello' }).catch((e: unknown) => e)
    expect(decide(refused, retryable)).toMatchObject({ action: 'fail', failure: { code: 'PROVIDER_AUTH' } })
  })
})
