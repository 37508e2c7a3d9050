import { directionOf, type NarrationVoice } from '@dreamify/core'
import type { chapterRepository, storyRepository } from '@dreamify/db'
import type { ImageLinks } from '../lib/image-urls.ts'

type OwnedStory = NonNullable<Awaited<ReturnType<typeof storyRepository.findOwned>>>
type SavedChapter = Awaited<ReturnType<typeof chapterRepository.listByStory>>[number]
type LibraryRow = Awaited<ReturnType<typeof storyRepository.listByChild>>[number]

/** A chapter as the API shows it: its illustration's URLs (the original, the srcset) and narration once ready. */
export function chapterView(row: SavedChapter, images: ImageLinks) {
  return {
    number: row.number,
    title: row.title,
    content: row.content,
    image_url: row.image_id && row.image_status === 'ready' ? images.url(row.image_id) : null,
    image_srcset: row.image_id && row.image_status === 'ready' ? images.srcset(row.image_id) : null,
    image_status: row.image_status,
    // why the picture failed for good (CONTENT_FLAGGED, or the provider's code)
    image_error: row.image_status === 'failed' ? row.image_error_code : null,
    audio_url: row.audio_key && row.audio_status === 'ready' ? images.audio(row.audio_key) : null,
    audio_status: row.audio_status,
    audio_error: row.audio_status === 'failed' ? row.audio_error_code : null,
  }
}

/** The story's narration as a whole: failed if any chapter's failed for good, ready once all are. */
export function storyAudioStatus(narrated: boolean, chapters: ReadonlyArray<Pick<SavedChapter, 'audio_status'>>) {
  if (!narrated) return 'none' as const
  if (chapters.some((c) => c.audio_status === 'failed')) return 'failed' as const
  if (chapters.length > 0 && chapters.every((c) => c.audio_status === 'ready')) return 'ready' as const
  return 'pending' as const
}

/** A story with its chapters written so far (`GET /api/stories/:story_id` adds its safety summary). */
export function storyView(story: OwnedStory, chapters: SavedChapter[], images: ImageLinks) {
  return {
    story_id: story.id,
    child_id: story.child_id,
    job_id: story.job_id!,
    status: story.status,
    error: story.error_code ? { code: story.error_code, message: story.error_message ?? '' } : null,
    title: story.title,
    topic: story.topic,
    story_genre: story.story_genre,
    image_style: story.image_style,
    language: story.language,
    direction: directionOf(story.language),
    cast: story.cast_members,
    created_at: story.created_at,
    completed_at: story.completed_at,
    narration_voice: story.narration_voice as NarrationVoice | null,
    audio_status: storyAudioStatus(
      story.narration_voice !== null,
      story.status === 'completed' && chapters.length < story.chapters_total ? [] : chapters,
    ),
    chapters_total: story.chapters_total,
    // An outlined story's chapters show once their text is written (the picture may come first).
    chapters: chapters.filter((chapter) => chapter.written).map((chapter) => chapterView(chapter, images)),
  }
}

/** One item of a child's library: the story without its chapters, with its cover at the small size. */
export function libraryItemView(row: LibraryRow, images: ImageLinks) {
  return {
    story_id: row.id,
    title: row.title,
    status: row.status,
    language: row.language,
    direction: directionOf(row.language),
    created_at: row.created_at,
    cover_image_url: row.cover_image_id ? images.small(row.cover_image_id) : null,
    cover_image_srcset: row.cover_image_id ? images.srcset(row.cover_image_id) : null,
  }
}
