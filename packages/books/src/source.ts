import { directionOf, type JobStatus } from '@dreamify/core'
import { chapterRepository, childRepository, type Db, mediaRepository, storyRepository } from '@dreamify/db'
import { type MediaStores, readImageOriginal } from '@dreamify/media'
import type { Book, BookAudio, BookImage } from './book.ts'

export interface StoryForBook {
  /** the status of the story's job: only a completed story becomes a book */
  status: JobStatus
  book: Book
}

/** A narration's bytes, from the store its record names (null when the record or the object is gone). */
async function narrationBytes(db: Db, media: Pick<MediaStores, 'byName'>, key: string): Promise<BookAudio | null> {
  const object = await mediaRepository.find(db, key)
  if (!object) return null
  const stored = await media.byName(object.store).get(key)
  return stored ? { bytes: stored.bytes, contentType: object.content_type } : null
}

/**
 * The one place the books read a story from: its text from Postgres, each ready chapter's
 * picture bytes (a failed or missing one is null), and its language and direction. Another
 * parent's story, like a missing one, is null. Where pictures and narration are stored is this
 * function's business alone, so the builders never change when the media store does.
 */
export async function loadStoryForBook(
  db: Db,
  media: Pick<MediaStores, 'byName'>,
  parentId: string,
  storyId: string,
): Promise<StoryForBook | null> {
  const story = await storyRepository.findOwned(db, parentId, storyId)
  if (!story) return null
  const [child, chapters] = await Promise.all([
    childRepository.findOwned(db, parentId, story.child_id),
    chapterRepository.listByStory(db, story.id),
  ])
  if (!child) return null
  const images = await Promise.all(
    chapters.map(async (chapter): Promise<BookImage | null> => {
      if (chapter.image_status !== 'ready' || !chapter.image_id) return null
      // the original (the print wants the full size)
      const image = await readImageOriginal(db, media, chapter.image_id)
      return image ? { bytes: image.bytes, contentType: image.contentType } : null
    }),
  )
  // Each narrated chapter's MP3, as the media store keeps it.
  const narrations = await Promise.all(
    chapters.map(
      (chapter): Promise<BookAudio | null> =>
        chapter.audio_status === 'ready' && chapter.audio_key
          ? narrationBytes(db, media, chapter.audio_key)
          : Promise.resolve(null),
    ),
  )
  return {
    status: story.status,
    book: {
      id: story.id,
      title: story.title ?? story.topic,
      childName: child.name,
      language: story.language,
      direction: directionOf(story.language),
      completedAt: story.completed_at ?? story.created_at,
      chapters: chapters.map((chapter, index) => ({
        number: chapter.number,
        title: chapter.title,
        text: chapter.content,
        image: images[index] ?? null,
        audio: narrations[index] ?? null,
      })),
    },
  }
}
