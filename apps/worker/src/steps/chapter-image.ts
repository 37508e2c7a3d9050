import { isUnfinishedJob, QUEUES } from '@dreamify/core'
import { type JobRow, stepContextRepository } from '@dreamify/db'
import { type MediaStore, type MediaStores, mediaFolders, type StoredPicture, storeImage } from '@dreamify/media'
import { buildBriefImagePrompt, describeCharacter } from '@dreamify/prompts'
import { drawModerated } from '../safety/image-screen.ts'
import type { StepDefinition } from './definition.ts'
import { queueImageVariants } from './image-variants.ts'
import { completeSettledStory, failDrawing, settleDrawing, startRedo } from './settling.ts'

/**
 * Draws one chapter's illustration and settles it: the story job completes when its last chapter
 * settles. A chapter already drawn is never drawn (or paid for) again, except by an explicit
 * redraw, which has a job of its own (kind `image`).
 */
export const chapterImageStep: StepDefinition<typeof QUEUES.chapterImage> = {
  queue: QUEUES.chapterImage,
  concurrency: (config) => config.worker.imageConcurrency,
  ratePerMinute: (config) => config.worker.imagesPerMinute,
  ownerJobId: ({ jobId }) => jobId,

  async run(
    { jobId, storyId, chapterNumber },
    { db, media, provider, signal, events, safety, queues, logger, storyFinished },
  ) {
    const fromAvatar = provider.drawsFromReference?.() ?? false
    const found = await stepContextRepository.forChapterImage(db, jobId, storyId, chapterNumber, fromAvatar)
    if (!found || !isUnfinishedJob(found.job.status)) return
    const { job, chapter, child, style, avatar, cast, language, outline } = found
    const isRedraw = job.kind === 'image'
    if (!isRedraw && chapter.image_status !== 'pending') {
      // Settled by an earlier try. Its settle completed the story if it was the last, unless the
      // completing statement was lost (a failover between the two): then this completes it.
      await completeSettledStory({ db, events, storyFinished }, jobId)
      return
    }
    if (isRedraw && !(await startRedo({ db, events }, jobId))) return

    // Without a current avatar (still being drawn, failed, or stale after an appearance change) the
    // child is described in words only.
    if (fromAvatar && avatar.state !== 'current') logger.debug({ avatar: avatar.state }, 'drawing without the avatar')
    const reference = avatar.state === 'current' && avatar.stored ? await readAvatar(media, avatar.stored) : undefined
    const character = describeCharacter(child)
    // An outlined chapter is drawn from its brief and the cast, without waiting for its text (with
    // the avatar, its brief is the scene).
    const brief = outline?.chapters[chapterNumber - 1]?.brief
    const prompt = brief
      ? buildBriefImagePrompt({ character, brief, cast: outline.cast, style, childName: child.name })
      : undefined
    const drawing = {
      storyId,
      jobId,
      chapter: brief ? { ...chapter, content: brief } : chapter,
      character,
      style,
      childName: child.name,
      avatar: reference,
      ...(prompt ? { prompt } : {}),
      // an outlined story's cast is its outline's, unless the story has one of its own
      cast: cast.length > 0 ? cast : (outline?.cast.filter((member) => member.name !== child.name) ?? cast),
      language,
    }
    // The decisions about the prompt and the picture are written with the settle (a redraw's, apart).
    const held = safety.holding()
    let settled: JobRow | undefined
    let stored: StoredPicture | undefined
    try {
      const image = await drawModerated(held, provider, drawing, signal)
      // Stored under keys of this job and chapter, then settled: a crash between the two leaves
      // unsettled objects the housekeeping sweeps; a retry overwrites the same keys.
      stored = await storeImage(media.store, {
        bytes: image.bytes,
        contentType: image.contentType,
        parentId: chapter.parent_id,
        childId: chapter.child_id,
        storyId,
        folder: mediaFolders.chapter(storyId, chapterNumber, jobId),
      })
      const outcome = { image: stored }
      settled = await settleDrawing(db, jobId, isRedraw, chapter, outcome, storyFinished, isRedraw ? [] : held.take())
    } finally {
      await held.flush()
    }
    if (!settled) return
    // then a stage event, or `completed` when this chapter was the last to settle
    await events.chapters(jobId, 'chapter_illustrated', [{ number: chapterNumber, title: chapter.title }], settled)
    // The picture is the chapter's now; its variants are made apart, so they never hold up the story.
    if (stored) await queueImageVariants(queues, stored)
  },

  // An illustration that fails for good leaves its story complete with that chapter marked failed.
  fail: failDrawing,
}

/** The avatar's original, from the store that holds it, for a provider that draws from it. */
async function readAvatar(
  media: Pick<MediaStores, 'byName'>,
  stored: { key: string; store: MediaStore['name']; contentType: string },
): Promise<{ bytes: Buffer; contentType: string } | undefined> {
  // Read where its record says it is: an avatar stored before a move (MEDIA_STORE changed) too.
  const read = await media.byName(stored.store).get(stored.key)
  return read ? { bytes: read.bytes, contentType: stored.contentType } : undefined
}
