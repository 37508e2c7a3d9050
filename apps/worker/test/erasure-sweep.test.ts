import { randomUUID } from 'node:crypto'
import { appendJobEvent, createLogger, createRedis, jobEventKeys, jobItem, QUEUES } from '@dreamify/core'
import { Worker } from 'bullmq'
import { afterAll, describe, expect, it } from 'vitest'
import { createTestQueues } from '../../../test/support/queues.ts'
import { TEST_REDIS_URL } from '../../../test/support/services.ts'
import { createJobEventPublisher } from '../src/events.ts'
import type { StepContext } from '../src/steps/definition.ts'
import { erasureSweepStep } from '../src/steps/erasure-sweep.ts'

// The erasure-sweep step on real Redis, with a real BullMQ worker holding one of the entries.
describe('the erasure-sweep step', () => {
  const { prefix, redis, queues } = createTestQueues()
  const logger = createLogger('silent', 'test')
  const events = createJobEventPublisher({ redis, prefix, logger })
  // the step reads only these
  const context = { queues, events, logger } as unknown as StepContext
  const connection = createRedis(TEST_REDIS_URL, 'worker')
  afterAll(() => connection.disconnect())

  /** A story-text entry that a worker takes and holds until `release` is called. */
  async function aHeldEntry(jobId: string) {
    let release = () => {}
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    let taken = () => {}
    const isTaken = new Promise<void>((resolve) => {
      taken = resolve
    })
    const worker = new Worker(
      QUEUES.storyText,
      async () => {
        taken()
        await released
      },
      { connection, prefix, autorun: true },
    )
    const item = jobItem(QUEUES.storyText, { jobId })
    await queues[QUEUES.storyText].add(item.name, item.data, item.opts)
    await isTaken
    return { id: item.opts.jobId, release, stop: () => worker.close() }
  }

  it('removes the entries and the cancelled jobs’ event streams, and is tried again while a worker holds one', async () => {
    const heldJobId = randomUUID()
    const freeJobId = randomUUID()
    const held = await aHeldEntry(heldJobId)
    const free = jobItem(QUEUES.avatar, { jobId: freeJobId })
    await queues[QUEUES.avatar].add(free.name, free.data, free.opts)
    await appendJobEvent(redis, prefix, heldJobId, 'chapter_written', { number: 1, title: 'Mia and the Moon' })
    const payload = {
      erasureId: randomUUID(),
      entries: [
        { queue: QUEUES.storyText, id: held.id },
        { queue: QUEUES.avatar, id: free.opts.jobId },
        { queue: QUEUES.chapterImage, id: `${heldJobId}.chapter-1` },
      ],
      jobIds: [heldJobId],
    }

    await expect(erasureSweepStep.run(payload, context)).rejects.toThrow('1 erased queue entries are still held')
    expect(await queues[QUEUES.avatar].getJob(free.opts.jobId)).toBeUndefined()
    expect(await redis.exists(...Object.values(jobEventKeys(prefix, heldJobId)))).toBe(0)
    expect(await queues[QUEUES.storyText].getJob(held.id)).toBeDefined()

    // The worker lets go, and writes one more event as it does; the next try takes both.
    await appendJobEvent(redis, prefix, heldJobId, 'cancelled', {})
    held.release()
    await held.stop()
    await erasureSweepStep.run(payload, context)
    expect(await queues[QUEUES.storyText].getJob(held.id)).toBeUndefined()
    expect(await redis.exists(...Object.values(jobEventKeys(prefix, heldJobId)))).toBe(0)
  })
})
