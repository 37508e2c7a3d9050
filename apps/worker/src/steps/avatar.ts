import { isUnfinishedJob, QUEUES } from '@dreamify/core'
import { childRepository, jobLifecycle, jobRepository } from '@dreamify/db'
import { mediaKeys, storeImage } from '@dreamify/media'
import { buildAvatarPrompt, describeCharacter } from '@dreamify/prompts'
import type { StepDefinition } from './definition.ts'

/**
 * Draws a child's portrait. The old one stays until the new one is stored. A drawn picture is kept
 * before it settles, so a retry (after a failed settle or a crash) settles it instead of drawing
 * and paying again.
 */
export const avatarStep: StepDefinition<typeof QUEUES.avatar> = {
  queue: QUEUES.avatar,
  concurrency: (config) => config.worker.imageConcurrency,
  ratePerMinute: (config) => config.worker.imagesPerMinute,
  ownerJobId: ({ jobId }) => jobId,

  async run({ jobId }, { db, media, provider, signal, events }) {
    const job = await jobRepository.find(db, jobId)
    if (!job || !isUnfinishedJob(job.status) || !job.child_id) return
    const child = await childRepository.find(db, job.child_id)
    if (!child) return
    const started = await jobLifecycle.startDrawing(db, jobId)
    if (!started) return
    await events.state(started)

    let imageId = await jobLifecycle.findDrawnImage(db, jobId)
    if (!imageId) {
      const image = await provider.drawImage(
        buildAvatarPrompt({ character: describeCharacter(child) }),
        signal,
        'avatar',
      )
      const stored = await storeImage(media, {
        bytes: image.bytes,
        contentType: image.contentType,
        parentId: child.parent_id,
        childId: child.id,
        keyOf: (variant, extension) => mediaKeys.avatar(child.id, jobId, variant, extension),
      })
      imageId = await jobLifecycle.keepDrawnImage(db, jobId, {
        parent_id: child.parent_id,
        child_id: child.id,
        ...stored,
      })
    }
    await events.state(await jobLifecycle.settleAvatar(db, jobId, { child_id: child.id, image_id: imageId }))
  },

  fail: ({ jobId }, failure, { db }) => jobLifecycle.fail(db, jobId, failure),
}
