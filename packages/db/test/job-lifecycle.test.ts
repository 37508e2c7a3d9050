import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/support/database.ts'
import { jobLifecycle, jobRepository } from '../src/index.ts'
import {
  aFamily,
  aStory,
  chaptersOf,
  drawn,
  failedDrawing,
  imagesOfStory,
  jobOf,
  written,
} from './lifecycle-fixtures.ts'

// Each transition, called directly on a database cloned from the migrated template.
describe('the job lifecycle', async () => {
  const { db } = await createTestDatabase()

  it('start: a queued story runs, writing, with what the text step works from', async () => {
    const story = await aStory(db)
    const started = (await jobLifecycle.startStory(db, story.jobId))!
    expect(started.job).toMatchObject({ status: 'running', stage: 'writing', percent: 2, attempts: 1 })
    expect(started.story).toEqual({
      id: story.storyId,
      topic: 'a lost red balloon',
      story_genre: 'Adventure',
      language: 'en',
      chapters_total: 3,
      outline: null,
      narrated: false,
    })
    expect(started.child).toMatchObject({ name: 'Mia', fav_animals: 'otters' })
    expect(started.saved).toEqual({ count: 0, pending: [], unwritten: [], audioPending: [] })
  })

  it('chapters written: each chapter is saved once and the percent grows through writing', async () => {
    const story = await aStory(db)
    await jobLifecycle.startStory(db, story.jobId)
    const first = await jobLifecycle.recordChaptersWritten(db, story.jobId, { id: story.storyId, chapters_total: 3 }, [
      written(1),
    ])
    expect(first.inserted).toEqual([1])
    expect(first.job).toMatchObject({ status: 'running', stage: 'writing', percent: 17 }) // 5 + 35 × 1/3
    // A retried step meets chapter 1 saved: it saves only the rest, and the stage moves on.
    const rest = await jobLifecycle.recordChaptersWritten(db, story.jobId, { id: story.storyId, chapters_total: 3 }, [
      written(1),
      written(2),
      written(3),
    ])
    expect(rest.inserted).toEqual([2, 3])
    expect(rest.job).toMatchObject({ stage: 'illustrating', percent: 40 })
    const again = await jobLifecycle.recordChaptersWritten(db, story.jobId, { id: story.storyId, chapters_total: 3 }, [
      written(1),
    ])
    expect(again.inserted).toEqual([])
    expect(again.job?.percent).toBe(40) // never back
  })

  it('chapter settled: counted once, its image stored once; the last settle completes the story', async () => {
    const story = await aStory(db)
    await jobLifecycle.startStory(db, story.jobId)
    await jobLifecycle.recordChaptersWritten(db, story.jobId, { id: story.storyId, chapters_total: 3 }, [
      written(1),
      written(2),
      written(3),
    ])
    const one = (await jobLifecycle.settleChapter(db, story.jobId, story.chapter(1), drawn))!
    expect(one.completedNow).toBe(false)
    expect(one.job).toMatchObject({ status: 'running', chapters_settled: 1, chapters_illustrated: 1, percent: 58 })
    expect(await jobLifecycle.settleChapter(db, story.jobId, story.chapter(1), drawn)).toBeUndefined()
    const two = (await jobLifecycle.settleChapter(db, story.jobId, story.chapter(2), failedDrawing))!
    expect(two.job).toMatchObject({ chapters_settled: 2, chapters_illustrated: 1, percent: 77 })
    const three = (await jobLifecycle.settleChapter(db, story.jobId, story.chapter(3), drawn))!
    expect(three.completedNow).toBe(true)
    expect(three.job).toMatchObject({ status: 'completed', stage: 'done', percent: 100, chapters_settled: 3 })
    expect(three.job.finished_at).toBeInstanceOf(Date)
    expect((await chaptersOf(db, story.storyId)).map((c) => c.image_status)).toEqual(['ready', 'failed', 'ready'])
    expect(await imagesOfStory(db, story.storyId)).toBe(2)
    const { completed_at } = await db
      .selectFrom('stories')
      .select('completed_at')
      .where('id', '=', story.storyId)
      .executeTakeFirstOrThrow()
    expect(completed_at).toBeInstanceOf(Date)
  })

  it('complete: a story with a chapter unsettled does not complete; an avatar job does, once', async () => {
    const story = await aStory(db)
    expect(await jobLifecycle.complete(db, story.jobId)).toBeUndefined()
    expect((await jobOf(db, story.jobId)).status).toBe('queued')

    const { parentId, childId } = await aFamily(db)
    const avatar = await jobRepository.create(db, {
      id: randomUUID(),
      parent_id: parentId,
      kind: 'avatar',
      child_id: childId,
    })
    expect(await jobLifecycle.startDrawing(db, avatar.id)).toMatchObject({
      status: 'running',
      stage: 'illustrating',
      percent: 10,
    })
    expect(await jobLifecycle.complete(db, avatar.id)).toMatchObject({
      status: 'completed',
      stage: 'done',
      percent: 100,
    })
    expect(await jobLifecycle.complete(db, avatar.id)).toBeUndefined()
    expect(await jobLifecycle.startDrawing(db, avatar.id)).toBeUndefined()
  })

  it('fail: an unfinished job fails with its code, once; a finished one is left alone', async () => {
    const story = await aStory(db)
    await jobLifecycle.startStory(db, story.jobId)
    const failed = await jobLifecycle.fail(db, story.jobId, { code: 'STORY_UNPARSEABLE', message: 'not a story' })
    expect(failed).toMatchObject({ status: 'failed', error_code: 'STORY_UNPARSEABLE', error_message: 'not a story' })
    expect(failed?.finished_at).toBeInstanceOf(Date)
    expect(await jobLifecycle.fail(db, story.jobId, { code: 'INTERNAL', message: 'again' })).toBeUndefined()
    expect(await jobLifecycle.cancel(db, story.jobId)).toBeUndefined()
    expect(await jobLifecycle.startStory(db, story.jobId)).toBeUndefined()
    expect((await jobOf(db, story.jobId)).error_code).toBe('STORY_UNPARSEABLE')
  })

  it('cancel: no step moves a cancelled job on, and a settle after it stores nothing', async () => {
    const story = await aStory(db)
    await jobLifecycle.startStory(db, story.jobId)
    await jobLifecycle.recordChaptersWritten(db, story.jobId, { id: story.storyId, chapters_total: 3 }, [written(1)])
    expect(await jobLifecycle.cancel(db, story.jobId)).toMatchObject({ status: 'cancelled' })
    const late = await jobLifecycle.recordChaptersWritten(db, story.jobId, { id: story.storyId, chapters_total: 3 }, [
      written(2),
    ])
    expect(late.job).toBeUndefined()
    expect(await jobLifecycle.settleChapter(db, story.jobId, story.chapter(1), drawn)).toBeUndefined()
    expect((await chaptersOf(db, story.storyId))[0]?.image_status).toBe('pending')
    expect(await imagesOfStory(db, story.storyId)).toBe(0)
    expect(await jobLifecycle.complete(db, story.jobId)).toBeUndefined()
    expect(await jobLifecycle.cancel(db, story.jobId)).toBeUndefined()
  })

  it('the reconciler lists unfinished jobs that have not moved, and touching one puts it off', async () => {
    const story = await aStory(db)
    const future = new Date(Date.now() + 60_000)
    const stale = await jobLifecycle.listStale(db, future, 1000)
    expect(stale.map((j) => j.id)).toContain(story.jobId)
    await jobLifecycle.cancel(db, story.jobId)
    expect((await jobLifecycle.listStale(db, future, 1000)).map((j) => j.id)).not.toContain(story.jobId)
  })
})
