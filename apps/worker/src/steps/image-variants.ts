import { jobItem, QUEUES, type Queues } from '@dreamify/core'
import { imageRepository } from '@dreamify/db'
import { type StoredPicture, storeVariants } from '@dreamify/media'
import type { StepDefinition } from './definition.ts'

const NOTHING_MADE = { keys: [], originalWidth: null }

/**
 * Makes a settled picture's screen-sized WebP variants (a chapter's, a redraw's, an avatar's). It
 * runs after the picture settles, so its CPU never holds up a story: until it has run, the API
 * serves the original alone. Queued by the step that settled the picture; the sweep
 * (housekeeping.ts) queues those whose job was lost. Runs once per image: a retry finds it done.
 */
export const imageVariantsStep: StepDefinition<typeof QUEUES.imageVariants> = {
  queue: QUEUES.imageVariants,
  concurrency: (config) => config.worker.variantConcurrency,
  ratePerMinute: () => 0,

  async run({ originalKey }, { db, media, logger }) {
    const original = await imageRepository.findAwaitingVariants(db, originalKey)
    if (!original) return
    // Read where its record says it is (an original stored before MEDIA_STORE changed, too); the
    // variants go where new objects go.
    const read = await media.byName(original.store).get(originalKey)
    if (!read) logger.debug({ store: original.store }, 'original missing from its store; no variants')
    const made = read
      ? await storeVariants(media.store, {
          key: originalKey,
          bytes: read.bytes,
          parentId: original.parent_id,
          childId: original.child_id,
          storyId: original.story_id,
        })
      : NOTHING_MADE
    await imageRepository.settleVariants(db, original.imageId, made)
  },

  // Given up on (the store failing for good): the picture is marked done and serves its original.
  async fail({ originalKey }, _failure, { db }) {
    const original = await imageRepository.findAwaitingVariants(db, originalKey)
    if (original) await imageRepository.settleVariants(db, original.imageId, NOTHING_MADE)
    return undefined
  },
}

/** Queues the variants of a picture that has just settled, by its original's key (its only key so far). */
export async function queueImageVariants(queues: Queues, { keys: [originalKey] }: StoredPicture): Promise<void> {
  const { name, data, opts } = jobItem(QUEUES.imageVariants, { originalKey })
  await queues[QUEUES.imageVariants].add(name, data, opts)
}
