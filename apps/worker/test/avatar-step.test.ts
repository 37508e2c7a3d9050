import { randomUUID } from 'node:crypto'
import { createLogger } from '@dreamify/core'
import { type Db, jobLifecycle, jobRepository, sql } from '@dreamify/db'
import { createMediaStores } from '@dreamify/media'
import { createLocalModerator } from '@dreamify/moderation'
import { waitFor } from '@dreamify/testkit'
import { describe, expect, it } from 'vitest'
import { testConfig } from '../../../test/support/api.ts'
import { createTestDatabase } from '../../../test/support/database.ts'
import { aFamily } from '../../../test/support/families.ts'
import { createTestQueues } from '../../../test/support/queues.ts'
import { silentJobEvents } from '../src/events.ts'
import { createFixturesProvider } from '../src/providers/fixtures.ts'
import type { GenerationProvider } from '../src/providers/index.ts'
import { createSafetyScreen } from '../src/safety/screen.ts'
import { avatarStep } from '../src/steps/avatar.ts'
import type { StepContext } from '../src/steps/definition.ts'

// The avatar step driven directly, on real Postgres, with the offline provider (each drawing
// takes a moment, so concurrent jobs' settles meet).
describe('the avatar step', async () => {
  const { db } = await createTestDatabase()
  const { queues } = createTestQueues()
  const config = testConfig({ FIXTURES_IMAGE_MS: '30' })
  const fixtures = createFixturesProvider(config.generation.fixtures)
  let draws = 0
  const provider: GenerationProvider = {
    name: 'fixtures',
    storyFormat: fixtures.storyFormat,
    storyFormatFor: fixtures.storyFormatFor,
    writeStory: (request, signal) => fixtures.writeStory(request, signal),
    writeText: (request, signal) => fixtures.writeText(request, signal),
    drawImage: (prompt, signal, purpose) => {
      draws++
      return fixtures.drawImage(prompt, signal, purpose)
    },
    speak: (request, signal) => fixtures.speak(request, signal),
  }
  const context = (handle: Db = db): StepContext => ({
    db: handle,
    media: createMediaStores(handle, config),
    provider,
    safety: createSafetyScreen({ db: handle, moderator: createLocalModerator() }),
    queues,
    config,
    logger: createLogger('silent', 'test'),
    events: silentJobEvents,
    signal: new AbortController().signal,
    attempt: 1,
    storyFinished: () => {},
  })

  async function aChildWithAvatarJobs(count: number) {
    const { parentId, childId } = await aFamily(db)
    const jobs = await Promise.all(
      Array.from({ length: count }, () =>
        jobRepository.create(db, { id: randomUUID(), parent_id: parentId, kind: 'avatar', child_id: childId }),
      ),
    )
    return { childId, jobIds: jobs.map((job) => job.id) }
  }

  const imagesOfChild = (childId: string) =>
    db.selectFrom('images').select(['id', 'job_id']).where('child_id', '=', childId).execute()
  const avatarOf = async (childId: string) =>
    (await db.selectFrom('children').select('avatar_image_id').where('id', '=', childId).executeTakeFirstOrThrow())
      .avatar_image_id

  it('runs avatar jobs of one child at once (the create and PATCHes) without a deadlock, drawing each once', async () => {
    for (let round = 0; round < 5; round++) {
      const { childId, jobIds } = await aChildWithAvatarJobs(3)
      const before = draws
      const outcomes = await Promise.allSettled(jobIds.map((jobId) => avatarStep.run({ jobId }, context())))
      expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([])
      expect(draws - before).toBe(jobIds.length)
      for (const jobId of jobIds) expect((await jobRepository.find(db, jobId))?.status).toBe('completed')
      // The portrait settled last is shown; the ones it replaced are deleted.
      const images = await imagesOfChild(childId)
      expect(images).toHaveLength(1)
      expect(await avatarOf(childId)).toBe(images[0]!.id)
    }
  })

  it('a retry settles the picture the failed try drew, and does not draw (or pay) again', async () => {
    const { childId, jobIds } = await aChildWithAvatarJobs(1)
    const jobId = jobIds[0]!
    const before = draws
    // Another settle holds the child's lock; the first try's settle waits behind it and is
    // stopped there, as Postgres stops a deadlock's victim.
    const holder = db.transaction().execute(async (tx) => {
      await sql`select 1 from children where id = ${childId} for no key update`.execute(tx)
      const waiting = await waitFor('the first try waiting on the child', async () => {
        const { rows } = await sql<{ pid: number }>`
          select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(db)
        return rows[0]
      })
      await sql`select pg_cancel_backend(${waiting.pid})`.execute(db)
      await waitFor('the first try stopped', async () => {
        const { rows } =
          await sql`select 1 from pg_stat_activity where pid = ${waiting.pid} and wait_event_type = 'Lock'`.execute(db)
        return rows.length === 0
      })
    })
    await expect(avatarStep.run({ jobId }, context())).rejects.toThrow(/cancel/)
    await holder
    expect(draws - before).toBe(1)
    const [kept] = await imagesOfChild(childId)
    expect(kept?.job_id).toBe(jobId)
    expect((await jobRepository.find(db, jobId))?.status).toBe('running')
    expect(await avatarOf(childId)).toBeNull()

    await avatarStep.run({ jobId }, { ...context(), attempt: 2 })
    expect(draws - before).toBe(1)
    expect(await jobRepository.find(db, jobId)).toMatchObject({ status: 'completed', percent: 100 })
    expect(await avatarOf(childId)).toBe(kept!.id)
    expect(await imagesOfChild(childId)).toHaveLength(1)
  })

  it('keeps one picture per job even when two tries of it keep theirs at once', async () => {
    const { childId, jobIds } = await aChildWithAvatarJobs(1)
    const picture = { content_type: 'image/png', byte_size: 3, keys: [] as string[] }
    const parent = await db
      .selectFrom('children')
      .select('parent_id')
      .where('id', '=', childId)
      .executeTakeFirstOrThrow()
    const kept = await Promise.all(
      [1, 2].map(() =>
        jobLifecycle.keepDrawnImage(db, jobIds[0]!, { parent_id: parent.parent_id, child_id: childId, ...picture }),
      ),
    )
    expect(kept[0]).toBe(kept[1])
    expect(await imagesOfChild(childId)).toHaveLength(1)
  })
})
