import { describe, expect, it } from 'vitest'
import { jobItem, PAYLOADS, QUEUES, queueItemsOfJob } from '../src/jobs.ts'
import { closeQueues, createQueues, createRedis } from '../src/queue.ts'

const JOB = '7b0c6a40-6a43-4a52-9d2e-4a3c1b0e9f11'
const STORY = '0f6d9a3e-2c1b-4e7a-8f5d-3b2a1c0d9e8f'

describe('the queue catalogue', () => {
  it('has a payload schema for every queue', () => {
    expect(Object.keys(PAYLOADS).sort()).toEqual(Object.values(QUEUES).sort())
  })

  it('lists every queue entry a job may have, the one that drives it first', () => {
    const ids = (job: Parameters<typeof queueItemsOfJob>[0]) => queueItemsOfJob(job).map((item) => item.opts.jobId)
    const base = { id: JOB, story_id: STORY, chapter_number: null, chapters_total: 3, narrations_total: 0 }
    expect(ids({ ...base, kind: 'story' })).toEqual([
      `${JOB}.text`,
      `${JOB}.chapter-1`,
      `${JOB}.chapter-2`,
      `${JOB}.chapter-3`,
      // an outlined story's chapter texts (GENERATION_STRATEGY=outline)
      `${JOB}.text-1`,
      `${JOB}.text-2`,
      `${JOB}.text-3`,
    ])
    // a narrated story adds one narration job per chapter
    expect(ids({ ...base, kind: 'story', chapters_total: 2, narrations_total: 2 })).toEqual([
      `${JOB}.text`,
      `${JOB}.chapter-1`,
      `${JOB}.chapter-2`,
      `${JOB}.text-1`,
      `${JOB}.text-2`,
      `${JOB}.chapter-1.audio`,
      `${JOB}.chapter-2.audio`,
    ])
    expect(ids({ ...base, kind: 'image', chapter_number: 2, chapters_total: 0 })).toEqual([`${JOB}.chapter-2`])
    expect(ids({ ...base, kind: 'audio', chapter_number: 2, chapters_total: 1 })).toEqual([`${JOB}.chapter-2.audio`])
    expect(ids({ ...base, kind: 'avatar', story_id: null, chapters_total: 0 })).toEqual([JOB])
  })

  it('derives each queue job id from the payload, so the same work is added once', () => {
    expect(jobItem(QUEUES.storyText, { jobId: JOB })).toEqual({
      name: 'story-text',
      data: { jobId: JOB },
      opts: { jobId: `${JOB}.text` },
    })
    expect(jobItem(QUEUES.chapterImage, { jobId: JOB, storyId: STORY, chapterNumber: 3 }).opts.jobId).toBe(
      `${JOB}.chapter-3`,
    )
    expect(jobItem(QUEUES.chapterText, { jobId: JOB, storyId: STORY, chapterNumber: 2 }).opts.jobId).toBe(
      `${JOB}.text-2`,
    )
    expect(jobItem(QUEUES.avatar, { jobId: JOB }).opts.jobId).toBe(JOB)
    for (const name of Object.values(QUEUES))
      expect(jobItem(name, { jobId: JOB, storyId: STORY, chapterNumber: 1 }).opts.jobId).not.toContain(':')
  })

  it('builds one BullMQ queue per queue of the catalogue', async () => {
    // A queue opens no connection until it is used, so no Redis is needed here.
    const redis = createRedis('redis://127.0.0.1:1', 'producer', { lazyConnect: true })
    const queues = createQueues(redis, 'dreamify-catalogue-test')
    try {
      for (const name of Object.values(QUEUES)) expect(queues[name].name).toBe(name)
      expect(Object.keys(queues).sort()).toEqual(Object.values(QUEUES).sort())
    } finally {
      await closeQueues(queues)
      redis.disconnect()
    }
  })
})
