import { isUnfinishedJob, QUEUES } from '@dreamify/core'
import { childRepository, jobLifecycle, jobRepository } from '@dreamify/db'
import { mediaFolders, type StoredPicture, storeImage } from '@dreamify/media'
import { buildAvatarPrompt, buildSaferAvatarPrompt, describeCharacter } from '@dreamify/prompts'
import { drawScreened } from '../safety/image-screen.ts'
import type { StepDefinition } from './definition.ts'
import { queueImageVariants } from './image-variants.ts'

/**
 * Draws a child's portrait. The old one stays until the new one is stored. A drawn picture is kept
 * before it settles, so a retry (after a failed settle or a crash) settles it instead of drawing
 * and paying again. It is moderated like a chapter's: the prompt, then the picture where the
 * moderator sees pictures, drawn once more from a safer prompt when flagged; flagged twice, the job
 * fails with CONTENT_FLAGGED and the child keeps the avatar it had. Only a picture that passed is
 * kept, so a retry that finds one has nothing left to check.
 */
export const avatarStep: StepDefinition<typeof QUEUES.avatar> = {
  queue: QUEUES.avatar,
  concurrency: (config) => config.worker.imageConcurrency,
  ratePerMinute: (config) => config.worker.imagesPerMinute,
  ownerJobId: ({ jobId }) => jobId,

  async run({ jobId }, { db, media, provider, signal, events, safety, queues }) {
    const job = await jobRepository.find(db, jobId)
    if (!job || !isUnfinishedJob(job.status) || !job.child_id) return
    const child = await childRepository.find(db, job.child_id)
    if (!child) return
    const started = await jobLifecycle.startDrawing(db, jobId)
    if (!started) return
    await events.state(started)

    // The decisions that let the picture through are written with the settle; a flag, at once.
    const held = safety.holding()
    let settled: Awaited<ReturnType<typeof jobLifecycle.settleAvatar>>
    let stored: StoredPicture | undefined
    try {
      let imageId = await jobLifecycle.findDrawnImage(db, jobId)
      if (!imageId) {
        const image = await drawScreened(
          held,
          provider,
          {
            storyId: null,
            jobId,
            target: 'avatar',
            purpose: 'avatar',
            prompt: buildAvatarPrompt({ character: describeCharacter(child) }),
            // the heritage a parent typed is the one free text in a portrait's prompt
            saferPrompt: buildSaferAvatarPrompt({ character: describeCharacter({ ...child, ethnicity: null }) }),
            what: 'the avatar',
          },
          signal,
        )
        stored = await storeImage(media.store, {
          bytes: image.bytes,
          contentType: image.contentType,
          parentId: child.parent_id,
          childId: child.id,
          folder: mediaFolders.avatar(child.id, jobId),
        })
        imageId = await jobLifecycle.keepDrawnImage(db, jobId, {
          parent_id: child.parent_id,
          child_id: child.id,
          ...stored,
        })
      }
      settled = await jobLifecycle.settleAvatar(db, jobId, { child_id: child.id, image_id: imageId }, held.take())
    } finally {
      await held.flush()
    }
    await events.state(settled)
    // A picture kept by an earlier try has its variants queued by the sweep (housekeeping.ts).
    if (settled && stored) await queueImageVariants(queues, stored)
  },

  fail: ({ jobId }, failure, { db }) => jobLifecycle.fail(db, jobId, failure),
}
