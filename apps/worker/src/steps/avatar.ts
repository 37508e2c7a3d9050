import { FINISHED_JOB_STATUSES, QUEUES } from '@dreamify/core'
import { childRepository, imageRepository, jobRepository } from '@dreamify/db'
import { buildAvatarPrompt, describeCharacter } from '@dreamify/prompts'
import type { StepDefinition } from './definition.ts'

/** Draws a child's portrait. The old one stays until the new one is stored. */
export const avatarStep: StepDefinition<typeof QUEUES.avatar> = {
  queue: QUEUES.avatar,
  concurrency: (config) => config.worker.imageConcurrency,
  ratePerMinute: (config) => config.worker.imagesPerMinute,
  ownerJobId: ({ jobId }) => jobId,

  async run({ jobId }, { db, provider, signal, events }) {
    const job = await jobRepository.find(db, jobId)
    if (!job || FINISHED_JOB_STATUSES.includes(job.status) || !job.child_id) return
    const child = await childRepository.find(db, job.child_id)
    if (!child) return
    const started = await jobRepository.advance(db, jobId, { stage: 'illustrating', percent: 10, attempt: true })
    if (!started) return
    await events.state(started)

    const image = await provider.drawImage(buildAvatarPrompt({ character: describeCharacter(child) }), signal, 'avatar')
    const completed = await db.transaction().execute(async (tx) => {
      const current = await jobRepository.lock(tx, jobId)
      if (!current || FINISHED_JOB_STATUSES.includes(current.status)) return
      const imageId = await imageRepository.insert(tx, {
        parent_id: child.parent_id,
        child_id: child.id,
        content_type: image.contentType,
        bytes: image.bytes,
      })
      const previous = await childRepository.replaceAvatar(tx, child.id, imageId)
      if (previous) await imageRepository.delete(tx, previous)
      return jobRepository.complete(tx, jobId)
    })
    await events.state(completed)
  },

  fail: ({ jobId }, failure, { db }) => jobRepository.fail(db, jobId, failure),
}
