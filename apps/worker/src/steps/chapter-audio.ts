import { isUnfinishedJob, QUEUES } from '@dreamify/core'
import { stepContextRepository } from '@dreamify/db'
import { extensionOf, mediaFolders, mediaObjectKey } from '@dreamify/media'
import type { StepDefinition } from './definition.ts'
import { completeSettledStory, failNarration, settleNarration, startRedo } from './settling.ts'

/**
 * Reads one chapter aloud and settles it, as the image step draws and settles its picture: the
 * story completes when the last of its pictures and narrations settles. A chapter already
 * narrated is never narrated (or paid for) again, except by an explicit redo, which has a job of
 * its own (kind `audio`). The text was moderated before it was saved, so it is read as it is.
 */
export const chapterAudioStep: StepDefinition<typeof QUEUES.chapterAudio> = {
  queue: QUEUES.chapterAudio,
  concurrency: (config) => config.worker.speechConcurrency,
  ratePerMinute: (config) => config.worker.speechRequestsPerMinute,
  ownerJobId: ({ jobId }) => jobId,

  async run({ jobId, storyId, chapterNumber }, { db, media, provider, signal, events, storyFinished }) {
    const found = await stepContextRepository.forChapterAudio(db, jobId, storyId, chapterNumber)
    if (!found || !isUnfinishedJob(found.job.status) || !found.voice) return
    const { job, chapter, voice } = found
    const isRedo = job.kind === 'audio'
    // An outlined chapter's text may not be saved yet: its text step enqueues the narration then.
    if (!chapter.written) return
    if (!isRedo && chapter.audio_status !== 'pending') {
      // Settled by an earlier try; complete the story if that settle's completing statement was lost.
      await completeSettledStory({ db, events, storyFinished }, jobId)
      return
    }
    if (isRedo && !(await startRedo({ db, events }, jobId))) return
    // The title is read first, as a reader would.
    const speech = await provider.speak({ text: `${chapter.title}. ${chapter.content}`, voice }, signal)
    // Stored under a key of the job and chapter (unsettled) before the settle: a retry overwrites it.
    const folder = mediaFolders.chapter(storyId, chapterNumber, jobId)
    const key = mediaObjectKey(folder, 'audio', extensionOf(speech.contentType))
    await media.store.put({
      key,
      kind: 'audio',
      contentType: speech.contentType,
      bytes: speech.bytes,
      parentId: chapter.parent_id,
      childId: chapter.child_id,
      storyId,
    })
    const outcome = { audio: { content_type: speech.contentType, key } }
    const settled = await settleNarration(db, jobId, isRedo, chapter, outcome, storyFinished)
    if (!settled) return
    await events.chapters(jobId, 'chapter_narrated', [{ number: chapterNumber, title: chapter.title }], settled)
  },

  // A narration that fails for good leaves its story complete, with that chapter's audio failed.
  fail: failNarration,
}
