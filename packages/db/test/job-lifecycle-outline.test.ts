import type { StoryOutline } from '@dreamify/core'
import { describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/support/database.ts'
import { jobLifecycle } from '../src/index.ts'
import { aStory, drawn, jobOf, written } from './lifecycle-fixtures.ts'

const outline = (chapters: number): StoryOutline => ({
  title: 'Mia and the Balloon',
  cast: [{ name: 'Mia', description: 'a girl with curly red hair' }],
  chapters: Array.from({ length: chapters }, (_, i) => ({
    title: `Part ${i + 1}`,
    synopsis: `Mia does thing ${i + 1}.`,
    brief: `Mia in place ${i + 1}.`,
  })),
})

// The outlined story's transitions (GENERATION_STRATEGY=outline), called directly on real Postgres.
describe('the job lifecycle of an outlined story', async () => {
  const { db } = await createTestDatabase()

  it('start: a story to be outlined is planning until its outline is saved', async () => {
    const story = await aStory(db)
    const started = (await jobLifecycle.startStory(db, story.jobId, true))!
    expect(started.job).toMatchObject({ status: 'running', stage: 'planning', chapters_written: 0 })
    expect(started.story.outline).toBeNull()
  })

  it('the outline is saved once, with its unwritten chapters, and the job moves on to writing', async () => {
    const story = await aStory(db)
    await jobLifecycle.startStory(db, story.jobId, true)
    const first = (await jobLifecycle.recordOutline(db, story.jobId, story.storyId, outline(3)))!
    expect(first.plannedNow).toBe(true)
    expect(first.job).toMatchObject({ stage: 'writing', chapters_written: 0, chapters_settled: 0 })
    const again = (await jobLifecycle.recordOutline(db, story.jobId, story.storyId, { ...outline(3), title: 'Other' }))!
    expect(again.plannedNow).toBe(false)
    const saved = await db
      .selectFrom('stories')
      .select(['title', 'outline'])
      .where('id', '=', story.storyId)
      .executeTakeFirstOrThrow()
    expect(saved).toEqual({ title: 'Mia and the Balloon', outline: outline(3) })
    const chapters = await db
      .selectFrom('chapters')
      .select(['number', 'title', 'content', 'written', 'image_status'])
      .where('story_id', '=', story.storyId)
      .orderBy('number')
      .execute()
    expect(chapters).toEqual(
      [1, 2, 3].map((n) => ({ number: n, title: `Part ${n}`, content: '', written: false, image_status: 'pending' })),
    )
    // A resumed start sees the plan, and nothing written yet.
    const resumed = (await jobLifecycle.startStory(db, story.jobId, true))!
    expect(resumed.job.stage).toBe('writing')
    expect(resumed.story.outline).toEqual(outline(3))
    expect(resumed.saved).toEqual({ count: 0, pending: [1, 2, 3], unwritten: [1, 2, 3] })
  })

  it('texts and pictures settle in any order, each once; the last of all six completes the story, once', async () => {
    const story = await aStory(db)
    await jobLifecycle.startStory(db, story.jobId, true)
    await jobLifecycle.recordOutline(db, story.jobId, story.storyId, outline(3))
    const percents: number[] = []
    for (const n of [1, 2, 3]) {
      const settled = (await jobLifecycle.settleChapter(db, story.jobId, story.chapter(n), drawn))!
      expect(settled.completedNow).toBe(false)
      percents.push(settled.job.percent)
    }
    expect(await jobOf(db, story.jobId)).toMatchObject({ status: 'running', chapters_settled: 3, chapters_written: 0 })
    const one = (await jobLifecycle.recordChapterText(db, story.jobId, story.storyId, written(1)))!
    expect(one).toMatchObject({ completedNow: false, job: { chapters_written: 1, stage: 'writing' } })
    expect(await jobLifecycle.recordChapterText(db, story.jobId, story.storyId, written(1))).toBeUndefined()
    await jobLifecycle.recordChapterText(db, story.jobId, story.storyId, written(2))
    percents.push((await jobOf(db, story.jobId)).percent)
    const last = (await jobLifecycle.recordChapterText(db, story.jobId, story.storyId, written(3)))!
    expect(last.completedNow).toBe(true)
    expect(last.job).toMatchObject({ status: 'completed', stage: 'done', percent: 100, chapters_written: 3 })
    expect(percents).toEqual([...percents].sort((a, b) => a - b))
    expect(new Set(percents).size).toBe(percents.length)
    const chapter = await db
      .selectFrom('chapters')
      .selectAll()
      .where('story_id', '=', story.storyId)
      .where('number', '=', 3)
      .executeTakeFirstOrThrow()
    expect(chapter).toMatchObject({ written: true, content: 'Text of 3.', image_status: 'ready' })
  })

  it('all written but a picture pending: not complete until that picture settles', async () => {
    const story = await aStory(db, 2)
    await jobLifecycle.startStory(db, story.jobId, true)
    await jobLifecycle.recordOutline(db, story.jobId, story.storyId, outline(2))
    await jobLifecycle.recordChapterText(db, story.jobId, story.storyId, written(1))
    await jobLifecycle.recordChapterText(db, story.jobId, story.storyId, written(2))
    await jobLifecycle.settleChapter(db, story.jobId, story.chapter(1), drawn)
    expect(await jobLifecycle.complete(db, story.jobId)).toBeUndefined()
    expect((await jobLifecycle.settleChapter(db, story.jobId, story.chapter(2), drawn))!.completedNow).toBe(true)
  })

  it('a cancelled story saves no outline and no text', async () => {
    const story = await aStory(db, 2)
    await jobLifecycle.startStory(db, story.jobId, true)
    await jobLifecycle.cancel(db, story.jobId)
    expect(await jobLifecycle.recordOutline(db, story.jobId, story.storyId, outline(2))).toBeUndefined()
    const saved = await db
      .selectFrom('stories')
      .select('outline')
      .where('id', '=', story.storyId)
      .executeTakeFirstOrThrow()
    expect(saved.outline).toBeNull()
  })
})
