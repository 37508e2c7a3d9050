import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/support/database.ts'
import { jobLifecycle, jobRepository } from '../src/index.ts'
import { aStory, drawn, jobOf, written } from './lifecycle-fixtures.ts'

const spoken = (text = 'an mp3') => ({ audio: { content_type: 'audio/mpeg', bytes: Buffer.from(text) } })

// The narration transitions, called directly on a database cloned from the migrated template.
describe('the narration lifecycle', async () => {
  const { db } = await createTestDatabase()

  async function narratedStory(chapters = 2) {
    const story = await aStory(db, chapters, { narration_voice: 'sage' })
    const started = (await jobLifecycle.startStory(db, story.jobId))!
    expect(started.story.narrated).toBe(true)
    await jobLifecycle.recordChaptersWritten(
      db,
      story.jobId,
      started.story,
      Array.from({ length: chapters }, (_, i) => written(i + 1)),
    )
    return story
  }

  const audioOf = (storyId: string) =>
    db
      .selectFrom('chapters')
      .leftJoin('chapter_audio', 'chapter_audio.id', 'chapters.audio_id')
      .select(['chapters.number', 'chapters.audio_status', 'chapter_audio.bytes'])
      .where('chapters.story_id', '=', storyId)
      .orderBy('chapters.number')
      .execute()

  it('a narrated story waits for every narration as for every picture; the last settle completes it', async () => {
    const story = await narratedStory(2)
    expect((await jobOf(db, story.jobId)).narrations_total).toBe(2)
    expect((await audioOf(story.storyId)).map((c) => c.audio_status)).toEqual(['pending', 'pending'])
    await jobLifecycle.settleChapter(db, story.jobId, story.chapter(1), drawn)
    const pictures = await jobLifecycle.settleChapter(db, story.jobId, story.chapter(2), drawn)
    // every picture is in, but not every narration: still running
    expect(pictures).toMatchObject({ completedNow: false, job: { status: 'running' } })
    const first = await jobLifecycle.settleChapterAudio(db, story.jobId, story.chapter(1), spoken('one'))
    expect(first).toMatchObject({ completedNow: false, job: { chapters_narrated: 1, narrations_settled: 1 } })
    const last = await jobLifecycle.settleChapterAudio(db, story.jobId, story.chapter(2), spoken('two'))
    expect(last).toMatchObject({ completedNow: true, job: { status: 'completed', chapters_narrated: 2 } })
    const audio = await audioOf(story.storyId)
    expect(audio.map((c) => [c.audio_status, c.bytes?.toString()])).toEqual([
      ['ready', 'one'],
      ['ready', 'two'],
    ])
  })

  it('a duplicated settle stores and counts once', async () => {
    const story = await narratedStory(2)
    await jobLifecycle.settleChapterAudio(db, story.jobId, story.chapter(1), spoken('first'))
    expect(await jobLifecycle.settleChapterAudio(db, story.jobId, story.chapter(1), spoken('again'))).toBeUndefined()
    const job = await jobOf(db, story.jobId)
    expect(job).toMatchObject({ narrations_settled: 1, chapters_narrated: 1 })
    const stored = await db.selectFrom('chapter_audio').select('bytes').where('story_id', '=', story.storyId).execute()
    expect(stored.map((row) => row.bytes.toString())).toEqual(['first'])
  })

  it('a narration failed for good leaves the story complete, its chapter failed; a retry tries it again', async () => {
    const story = await narratedStory(1)
    await jobLifecycle.settleChapter(db, story.jobId, story.chapter(1), drawn)
    const settled = await jobLifecycle.settleChapterAudio(db, story.jobId, story.chapter(1), { failed: true })
    expect(settled).toMatchObject({ completedNow: true, job: { status: 'completed', chapters_narrated: 0 } })
    expect((await audioOf(story.storyId))[0]!.audio_status).toBe('failed')
  })

  it('a cancelled story settles no narration', async () => {
    const story = await narratedStory(1)
    await jobLifecycle.cancel(db, story.jobId)
    expect(await jobLifecycle.settleChapterAudio(db, story.jobId, story.chapter(1), spoken())).toBeUndefined()
    expect((await audioOf(story.storyId))[0]!.audio_status).toBe('pending')
    // the retry counts what is narrated and narrates the rest
    const retried = await db.transaction().execute((tx) =>
      jobLifecycle.retryStory(tx, {
        story_id: story.storyId,
        parent_id: story.parentId,
        job_id: randomUUID(),
        chapters_total: 1,
      }),
    )
    expect(retried).toMatchObject({ narrations_total: 1, narrations_settled: 0 })
  })

  it('a redo replaces the chapter narration and completes its own job; a failed redo keeps the old one', async () => {
    const story = await narratedStory(1)
    await jobLifecycle.settleChapter(db, story.jobId, story.chapter(1), drawn)
    await jobLifecycle.settleChapterAudio(db, story.jobId, story.chapter(1), spoken('old'))
    const redo = async () => {
      const id = randomUUID()
      await jobRepository.create(db, {
        id,
        parent_id: story.parentId,
        kind: 'audio',
        story_id: story.storyId,
        chapter_number: 1,
        chapters_total: 1,
      })
      return id
    }
    const failing = await redo()
    expect(await jobLifecycle.settleAudioRedo(db, failing, story.chapter(1), { failed: true })).toMatchObject({
      status: 'failed',
      error_code: 'NARRATION_UNAVAILABLE',
    })
    expect((await audioOf(story.storyId))[0]!.bytes?.toString()).toBe('old')
    const working = await redo()
    expect(await jobLifecycle.settleAudioRedo(db, working, story.chapter(1), spoken('new'))).toMatchObject({
      status: 'completed',
    })
    expect((await audioOf(story.storyId))[0]!.bytes?.toString()).toBe('new')
    const kept = await db.selectFrom('chapter_audio').select('id').where('story_id', '=', story.storyId).execute()
    expect(kept).toHaveLength(1)
  })
})
