import { directionOf, type JobStatus } from '@dreamify/core'
import {
  chapterRepository,
  childRepository,
  type Db,
  type MediaStoreName,
  mediaRepository,
  storyRepository,
} from '@dreamify/db'
import type { Book, BookAudio, BookImage } from './book.ts'

export interface StoryForBook {
  /** the status of the story's job: only a completed story becomes a book */
  status: JobStatus
  book: Book
}

/**
 * The one place the books read a story from: its text from Postgres, each ready chapter's
 * picture bytes (a failed or missing one is null), and its language and direction. Another
 * parent's story, like a missing one, is null. Where pictures and narration are stored is this
 * function's business alone, so the builders never change when the media store does.
 */
/** Reads an object's bytes from the store its record names (the API's media stores). */
export interface MediaReader {
  byName(name: MediaStoreName): { get(key: string): Promise<{ bytes: Buffer; contentType: string } | undefined> }
}

/** An object's bytes: from its Postgres record, or from the store that holds them (undefined without one). */
async function mediaBytes(db: Db, media: MediaReader | undefined, key: string) {
  const object = await mediaRepository.find(db, key)
  if (!object) return null
  if (object.bytes) return { bytes: object.bytes, contentType: object.content_type }
  const stored = media ? await media.byName(object.store).get(key) : undefined
  return stored ? { bytes: stored.bytes, contentType: stored.contentType } : null
}

export async function loadStoryForBook(
  db: Db,
  storyId: string,
  parentId: string,
  media?: MediaReader,
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
      const original = await mediaRepository.objectsOfImages(db, [chapter.image_id])
      const key = original.find((object) => object.variant === 'original')?.key
      return key ? mediaBytes(db, media, key) : null
    }),
  )
  // Each narrated chapter's MP3, as the media store keeps it.
  const narrations = await Promise.all(
    chapters.map(
      (chapter): Promise<BookAudio | null> =>
        chapter.audio_status === 'ready' && chapter.audio_key
          ? mediaBytes(db, media, chapter.audio_key)
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
