import { createLogger, DEFAULT_THRESHOLDS } from '@dreamify/core'
import { type Db, jobRepository, sql } from '@dreamify/db'
import { createMediaStores } from '@dreamify/media'
import { createOpenAIModerator } from '@dreamify/moderation'
import { type FakeOpenAI, startFakeOpenAI } from '@dreamify/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testConfig } from '../../../test/support/api.ts'
import { createTestDatabase } from '../../../test/support/database.ts'
import { aFamilyWithAvatarJob } from '../../../test/support/families.ts'
import { createTestQueues } from '../../../test/support/queues.ts'
import { silentJobEvents } from '../src/events.ts'
import { decide } from '../src/failures.ts'
import { createFixturesProvider } from '../src/providers/fixtures.ts'
import type { GenerationProvider } from '../src/providers/index.ts'
import { createSafetyScreen } from '../src/safety/screen.ts'
import { avatarStep } from '../src/steps/avatar.ts'
import type { StepContext } from '../src/steps/definition.ts'

// The avatar step's moderation, on real Postgres, with the openai moderator (which sees pictures)
// against the fake server through the real SDK, and the offline provider drawing.
let db: Db
let fake: FakeOpenAI
const prompts: string[] = []

beforeAll(async () => {
  ;({ db } = await createTestDatabase())
  fake = await startFakeOpenAI({ apiKey: 'k' })
})
afterEach(() => {
  fake.configure({ flagNextImages: 0, moderationMarkers: {} })
  prompts.length = 0
})
afterAll(() => fake?.close())

describe('the avatar step under moderation', () => {
  const { queues } = createTestQueues()
  const config = testConfig({ FIXTURES_IMAGE_MS: '0' })
  const fixtures = createFixturesProvider(config.generation.fixtures)
  const provider: GenerationProvider = {
    name: 'fixtures',
    storyFormat: fixtures.storyFormat,
    storyFormatFor: fixtures.storyFormatFor,
    writeStory: (request, signal) => fixtures.writeStory(request, signal),
    writeText: (request, signal) => fixtures.writeText(request, signal),
    drawImage: (prompt, signal, purpose) => {
      prompts.push(prompt)
      return fixtures.drawImage(prompt, signal, purpose)
    },
    speak: (request, signal) => fixtures.speak(request, signal),
  }
  const moderator = () =>
    createOpenAIModerator({
      apiKey: 'k',
      baseURL: fake.baseURL,
      timeoutMs: 5000,
      thresholds: { ...DEFAULT_THRESHOLDS },
    })
  const context = (): StepContext => ({
    db,
    media: createMediaStores(db, config),
    provider,
    safety: createSafetyScreen({ db, moderator: moderator() }),
    queues,
    config,
    logger: createLogger('silent', 'test'),
    events: silentJobEvents,
    signal: new AbortController().signal,
    attempt: 1,
    storyFinished: () => {},
  })

  const anAvatarJob = () => aFamilyWithAvatarJob(db)
  // Flags are stored at once, what was allowed with the settle (or when the run ends), so ordered here
  // as they were checked: the prompt, then the pictures, a flagged one before the one that passed.
  const decisionsOf = (jobId: string) =>
    db
      .selectFrom('moderation_decisions')
      .select(['parent_id', 'story_id', 'stage', 'target', 'moderator', 'decision'])
      .where('job_id', '=', jobId)
      .orderBy(sql`stage = 'image'`)
      .orderBy(sql`decision = 'allowed'`)
      .orderBy('id')
      .execute()
  const child = (childId: string) =>
    db.selectFrom('children').selectAll().where('id', '=', childId).executeTakeFirstOrThrow()

  it('checks the prompt and the picture, and stores both decisions with the settle', async () => {
    const { parentId, childId, jobId } = await anAvatarJob()
    await avatarStep.run({ jobId }, context())
    expect((await jobRepository.find(db, jobId))?.status).toBe('completed')
    expect((await child(childId)).avatar_image_id).not.toBeNull()
    expect(prompts).toHaveLength(1)
    const mine = { parent_id: parentId, story_id: null, target: 'avatar', moderator: 'openai' }
    expect(await decisionsOf(jobId)).toEqual([
      { ...mine, stage: 'image_prompt', decision: 'allowed' },
      { ...mine, stage: 'image', decision: 'allowed' },
    ])
    const checked = fake.calls.filter((c) => c.path === '/v1/moderations').slice(-2)
    expect(JSON.stringify(checked[1]!.body)).toMatch(/image_url/)
  })

  it('draws a flagged picture once more from the safer prompt', async () => {
    const { childId, jobId } = await anAvatarJob()
    fake.configure({ flagNextImages: 1 })
    await avatarStep.run({ jobId }, context())
    expect((await jobRepository.find(db, jobId))?.status).toBe('completed')
    expect((await child(childId)).avatar_image_id).not.toBeNull()
    expect(prompts).toHaveLength(2)
    expect(prompts[0]).not.toMatch(/nothing frightening/)
    expect(prompts[1]).toMatch(/portrait/)
    expect(prompts[1]).toMatch(/nothing frightening/)
    expect((await decisionsOf(jobId)).map((d) => [d.stage, d.decision])).toEqual([
      ['image_prompt', 'allowed'],
      ['image', 'flagged'],
      ['image', 'allowed'],
    ])
  })

  it('replaces a flagged prompt before drawing, leaving out the heritage a parent typed', async () => {
    const { childId, jobId } = await anAvatarJob()
    const { ethnicity } = await child(childId)
    expect(ethnicity).toBeTruthy()
    fake.configure({ moderationMarkers: { [ethnicity]: 'hate' } })
    await avatarStep.run({ jobId }, context())
    expect((await jobRepository.find(db, jobId))?.status).toBe('completed')
    expect(prompts).toHaveLength(1)
    expect(prompts[0]).toMatch(/nothing frightening/)
    expect(prompts[0]).not.toContain(ethnicity)
    expect((await decisionsOf(jobId)).map((d) => [d.stage, d.decision])).toEqual([
      ['image_prompt', 'flagged'],
      ['image', 'allowed'],
    ])
  })

  it('fails for good with CONTENT_FLAGGED when the redrawn picture is flagged too; the child keeps its avatar', async () => {
    const { childId, jobId } = await anAvatarJob()
    const before = (await child(childId)).avatar_image_id
    fake.configure({ flagNextImages: 2 })
    const error = await avatarStep.run({ jobId }, context()).catch((e: unknown) => e)
    expect(error).toMatchObject({ kind: 'permanent', code: 'CONTENT_FLAGGED' })
    const decision = decide(error, { attemptsMade: 0, opts: { attempts: 5 } })
    expect(decision).toMatchObject({ action: 'fail', failure: { code: 'CONTENT_FLAGGED' } })
    if (decision.action !== 'fail') throw new Error('expected a failure')
    await avatarStep.fail({ jobId }, decision.failure, context())
    expect(await jobRepository.find(db, jobId)).toMatchObject({ status: 'failed', error_code: 'CONTENT_FLAGGED' })
    expect(prompts).toHaveLength(2)
    expect((await child(childId)).avatar_image_id).toBe(before)
    // no flagged picture is kept for a retry to settle
    expect(await db.selectFrom('images').select('id').where('job_id', '=', jobId).execute()).toEqual([])
    expect((await decisionsOf(jobId)).map((d) => [d.stage, d.decision])).toEqual([
      ['image_prompt', 'allowed'],
      ['image', 'flagged'],
      ['image', 'flagged'],
    ])
  })
})
