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
    expect(resumed.saved).toEqual({ count: 0, pending: [1, 2, 3], unwritten: [1, 2, 3], audioPending: [] })
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

  it('a narrated outlined story: its chapters wait for narration too; whichever of text, picture or narration comes last completes it, once', async () => {
    const story = await aStory(db, 2, { narration_voice: 'sage' })
    const started = (await jobLifecycle.startStory(db, story.jobId, true))!
    expect(started.story.narrated).toBe(true)
    await jobLifecycle.recordOutline(db, story.jobId, story.storyId, outline(2))
    const statuses = await db
      .selectFrom('chapters')
      .select(['number', 'written', 'audio_status'])
      .where('story_id', '=', story.storyId)
      .orderBy('number')
      .execute()
    expect(statuses).toEqual([
      { number: 1, written: false, audio_status: 'pending' },
      { number: 2, written: false, audio_status: 'pending' },
    ])
    // a resumed start offers no narration of an unwritten chapter (its text step enqueues it)
    expect((await jobLifecycle.startStory(db, story.jobId, true))!.saved.audioPending).toEqual([])
    const audio = (n: number) => ({ audio: { content_type: 'audio/mpeg', key: `k-${story.storyId}-${n}` } })
    const settleAudio = (n: number) =>
      jobLifecycle.settleChapterAudio(db, story.jobId, { ...story.chapter(n), parent_id: story.parentId }, audio(n))
    for (const n of [1, 2]) {
      await db
        .insertInto('media_objects')
        .values({
          key: `k-${story.storyId}-${n}`,
          kind: 'audio',
          content_type: 'audio/mpeg',
          byte_size: 1,
          checksum: '0'.repeat(64),
          parent_id: story.parentId,
          story_id: story.storyId,
          store: 'postgres',
          bytes: Buffer.from('a'),
        })
        .execute()
    }
    // chapter 1: text, picture, narration; chapter 2: picture, then its narration, then (last of all) its text
    expect((await jobLifecycle.recordChapterText(db, story.jobId, story.storyId, written(1)))!.completedNow).toBe(false)
    expect((await jobLifecycle.settleChapter(db, story.jobId, story.chapter(1), drawn))!.completedNow).toBe(false)
    expect((await settleAudio(1))!.completedNow).toBe(false)
    expect((await jobLifecycle.settleChapter(db, story.jobId, story.chapter(2), drawn))!.completedNow).toBe(false)
    expect((await jobLifecycle.startStory(db, story.jobId, true))!.saved.audioPending).toEqual([])
    expect(await jobLifecycle.complete(db, story.jobId)).toBeUndefined()
    expect((await settleAudio(2))!.completedNow).toBe(false)
    expect(await jobLifecycle.complete(db, story.jobId)).toBeUndefined()
    const last = (await jobLifecycle.recordChapterText(db, story.jobId, story.storyId, written(2)))!
    expect(last).toMatchObject({
      completedNow: true,
      job: {
        status: 'completed',
        chapters_written: 2,
        chapters_settled: 2,
        narrations_settled: 2,
        chapters_narrated: 2,
      },
    })
    expect(await settleAudio(2)).toBeUndefined()
  })

  it('a narrated outlined story whose last narration comes after every text and picture completes then', async () => {
    const story = await aStory(db, 1, { narration_voice: 'sage' })
    await jobLifecycle.startStory(db, story.jobId, true)
    await jobLifecycle.recordOutline(db, story.jobId, story.storyId, outline(1))
    expect((await jobLifecycle.recordChapterText(db, story.jobId, story.storyId, written(1)))!.completedNow).toBe(false)
    // written now: a resumed start offers its narration again
    expect((await jobLifecycle.startStory(db, story.jobId, true))!.saved.audioPending).toEqual([1])
    expect((await jobLifecycle.settleChapter(db, story.jobId, story.chapter(1), drawn))!.completedNow).toBe(false)
    const last = await jobLifecycle.settleChapterAudio(
      db,
      story.jobId,
      { ...story.chapter(1), parent_id: story.parentId },
      { failed: true },
    )
    expect(last).toMatchObject({ completedNow: true, job: { status: 'completed', chapters_narrated: 0 } })
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
