import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/support/database.ts'
import { jobLifecycle, jobRepository, mediaRepository } from '../src/index.ts'
import { aStory, drawn, jobOf, written } from './lifecycle-fixtures.ts'

// The narration transitions, called directly on a database cloned from the migrated template.
describe('the narration lifecycle', async () => {
  const { db } = await createTestDatabase()

  /** Audio a step stored (unsettled) in the postgres media store, as the outcome its settle records. */
  async function spoken(story: { storyId: string; parentId: string }, text = 'an mp3') {
    const key = `stories/${story.storyId}/chapters/1/${randomUUID()}/audio.mp3`
    const bytes = Buffer.from(text)
    await mediaRepository.record(db, {
      key,
      kind: 'audio',
      content_type: 'audio/mpeg',
      byte_size: bytes.length,
      checksum: '0'.repeat(64),
      parent_id: story.parentId,
      story_id: story.storyId,
      store: 'postgres',
      bytes,
    })
    return { audio: { content_type: 'audio/mpeg', key } }
  }

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
      .leftJoin('media_objects', 'media_objects.key', 'chapters.audio_key')
      .select(['chapters.number', 'chapters.audio_status', 'media_objects.bytes', 'media_objects.settled_at'])
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
    const first = await jobLifecycle.settleChapterAudio(db, story.jobId, story.chapter(1), await spoken(story, 'one'))
    expect(first).toMatchObject({ completedNow: false, job: { chapters_narrated: 1, narrations_settled: 1 } })
    const last = await jobLifecycle.settleChapterAudio(db, story.jobId, story.chapter(2), await spoken(story, 'two'))
    expect(last).toMatchObject({ completedNow: true, job: { status: 'completed', chapters_narrated: 2 } })
    const audio = await audioOf(story.storyId)
    expect(audio.map((c) => [c.audio_status, c.bytes?.toString()])).toEqual([
      ['ready', 'one'],
      ['ready', 'two'],
    ])
    // settled with the chapter, so the orphan sweep leaves them
    expect(audio.every((c) => c.settled_at !== null)).toBe(true)
  })

  it('a duplicated settle stores and counts once', async () => {
    const story = await narratedStory(2)
    await jobLifecycle.settleChapterAudio(db, story.jobId, story.chapter(1), await spoken(story, 'first'))
    expect(
      await jobLifecycle.settleChapterAudio(db, story.jobId, story.chapter(1), await spoken(story, 'again')),
    ).toBeUndefined()
    const job = await jobOf(db, story.jobId)
    expect(job).toMatchObject({ narrations_settled: 1, chapters_narrated: 1 })
    // The duplicate's object stays unsettled, for the orphan sweep; the chapter keeps the first.
    expect((await audioOf(story.storyId))[0]!.bytes?.toString()).toBe('first')
    const settled = await db
      .selectFrom('media_objects')
      .select('key')
      .where('story_id', '=', story.storyId)
      .where('settled_at', 'is not', null)
      .execute()
    expect(settled).toHaveLength(1)
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
    expect(
      await jobLifecycle.settleChapterAudio(db, story.jobId, story.chapter(1), await spoken(story)),
    ).toBeUndefined()
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
    await jobLifecycle.settleChapterAudio(db, story.jobId, story.chapter(1), await spoken(story, 'old'))
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
    expect(await jobLifecycle.settleAudioRedo(db, working, story.chapter(1), await spoken(story, 'new'))).toMatchObject(
      {
        status: 'completed',
      },
    )
    expect((await audioOf(story.storyId))[0]!.bytes?.toString()).toBe('new')
    // The replaced narration's object is deleted with the redo.
    const kept = await db
      .selectFrom('media_objects')
      .select('key')
      .where('story_id', '=', story.storyId)
      .where('kind', '=', 'audio')
      .where('settled_at', 'is not', null)
      .execute()
    expect(kept).toHaveLength(1)
  })
})
