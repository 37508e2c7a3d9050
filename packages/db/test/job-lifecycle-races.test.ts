import { describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/support/database.ts'
import { jobLifecycle, sql } from '../src/index.ts'
import { aStory, chaptersOf, drawn, failedDrawing, imagesOfStory, jobOf, written } from './lifecycle-fixtures.ts'

// Retries, resumed starts, and steps that meet each other: the promise is that nothing is lost
// and nothing is counted twice.
describe('the job lifecycle under retries and races', async () => {
  const { db } = await createTestDatabase()

  async function writtenStory(chapters = 3) {
    const story = await aStory(db, chapters)
    await jobLifecycle.startStory(db, story.jobId)
    const all = Array.from({ length: chapters }, (_, i) => written(i + 1))
    await jobLifecycle.recordChaptersWritten(db, story.jobId, { id: story.storyId, chapters_total: chapters }, all)
    return story
  }

  it('two settles of the same chapter at once count it once and store one image', async () => {
    const story = await writtenStory()
    const results = await Promise.all(
      Array.from({ length: 4 }, () => jobLifecycle.settleChapter(db, story.jobId, story.chapter(1), drawn)),
    )
    expect(results.filter((r) => r !== undefined)).toHaveLength(1)
    expect(await jobOf(db, story.jobId)).toMatchObject({ chapters_settled: 1, chapters_illustrated: 1 })
    expect(await imagesOfStory(db, story.storyId)).toBe(1)
  })

  it('the last chapters settling at once complete the story exactly once', async () => {
    const story = await writtenStory(4)
    await jobLifecycle.settleChapter(db, story.jobId, story.chapter(1), drawn)
    const results = await Promise.all(
      [2, 3, 4].map((n) =>
        jobLifecycle.settleChapter(db, story.jobId, story.chapter(n), n === 3 ? failedDrawing : drawn),
      ),
    )
    expect(results.filter((r) => r?.completedNow)).toHaveLength(1)
    expect(await jobOf(db, story.jobId)).toMatchObject({
      status: 'completed',
      percent: 100,
      chapters_settled: 4,
      chapters_illustrated: 3,
    })
  })

  it('a cancel between the last drawing and its count: the drawing is not counted, and the retry finishes it', async () => {
    const story = await writtenStory()
    await jobLifecycle.settleChapter(db, story.jobId, story.chapter(1), drawn)
    await jobLifecycle.settleChapter(db, story.jobId, story.chapter(2), failedDrawing)
    // chapter 3 is being drawn when the parent cancels; its settle comes after
    await jobLifecycle.cancel(db, story.jobId)
    expect(await jobLifecycle.settleChapter(db, story.jobId, story.chapter(3), drawn)).toBeUndefined()
    expect((await chaptersOf(db, story.storyId)).map((c) => c.image_status)).toEqual(['ready', 'failed', 'pending'])

    const retried = await db.transaction().execute((tx) =>
      jobLifecycle.retryStory(tx, {
        story_id: story.storyId,
        parent_id: story.parentId,
        job_id: crypto.randomUUID(),
        chapters_total: 3,
      }),
    )
    expect(retried).toMatchObject({ status: 'queued', chapters_settled: 1, chapters_illustrated: 1 })
    // Resumed start: the text is saved, so it goes straight to the illustrations still to draw.
    const resumed = (await jobLifecycle.startStory(db, retried!.id))!
    expect(resumed.job).toMatchObject({ status: 'running', stage: 'illustrating', attempts: 1 })
    expect(resumed.saved).toEqual({ count: 3, pending: [2, 3], unwritten: [], audioPending: [] })
    expect((await jobLifecycle.settleChapter(db, retried!.id, story.chapter(2), drawn))?.completedNow).toBe(false)
    const last = await jobLifecycle.settleChapter(db, retried!.id, story.chapter(3), drawn)
    expect(last).toMatchObject({ completedNow: true, job: { status: 'completed', chapters_illustrated: 3 } })
    expect(await imagesOfStory(db, story.storyId)).toBe(3)
  })

  it('a cancel after every chapter was counted: the retry completes the story on its resumed start', async () => {
    const story = await writtenStory(2)
    await jobLifecycle.settleChapter(db, story.jobId, story.chapter(1), drawn)
    // what a cancel landing between the last count and its completion leaves behind
    await sql`update chapters set image_status = 'ready' where story_id = ${story.storyId}`.execute(db)
    await jobLifecycle.cancel(db, story.jobId)
    const retried = await db.transaction().execute((tx) =>
      jobLifecycle.retryStory(tx, {
        story_id: story.storyId,
        parent_id: story.parentId,
        job_id: crypto.randomUUID(),
        chapters_total: 2,
      }),
    )
    expect(retried).toMatchObject({ chapters_settled: 2 })
    const resumed = (await jobLifecycle.startStory(db, retried!.id))!
    expect(resumed.saved.pending).toEqual([])
    expect(await jobLifecycle.complete(db, retried!.id)).toMatchObject({ status: 'completed', percent: 100 })
  })

  it('retry: only a failed or cancelled story gets a new job, and two retries at once get one', async () => {
    const story = await writtenStory()
    const retry = (tx: Parameters<typeof jobLifecycle.retryStory>[0]) =>
      jobLifecycle.retryStory(tx, {
        story_id: story.storyId,
        parent_id: story.parentId,
        job_id: crypto.randomUUID(),
        chapters_total: 3,
      })
    expect(await db.transaction().execute(retry)).toBeUndefined() // still running
    await jobLifecycle.settleChapter(db, story.jobId, story.chapter(1), failedDrawing)
    await jobLifecycle.fail(db, story.jobId, { code: 'PROVIDER_UNAVAILABLE', message: 'down' })

    const results = await Promise.all([db.transaction().execute(retry), db.transaction().execute(retry)])
    const created = results.filter((r) => r !== undefined)
    expect(created).toHaveLength(1)
    expect(created[0]).toMatchObject({ status: 'queued', chapters_settled: 0, chapters_illustrated: 0 })
    const row = await db
      .selectFrom('stories')
      .select(['job_id', 'completed_at'])
      .where('id', '=', story.storyId)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ job_id: created[0]!.id, completed_at: null })
    // the failed drawing gets another chance
    expect((await chaptersOf(db, story.storyId))[0]?.image_status).toBe('pending')
  })

  it('resumed start: a restarted text step counts the attempt and never moves the percent back', async () => {
    const story = await writtenStory()
    await jobLifecycle.settleChapter(db, story.jobId, story.chapter(1), drawn)
    const before = await jobOf(db, story.jobId)
    const resumed = (await jobLifecycle.startStory(db, story.jobId))!
    expect(resumed.job).toMatchObject({ stage: 'illustrating', attempts: before.attempts + 1, percent: before.percent })
    expect(resumed.saved).toEqual({ count: 3, pending: [2, 3], unwritten: [], audioPending: [] })
  })
})
