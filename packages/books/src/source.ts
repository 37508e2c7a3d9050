import { directionOf, type JobStatus } from '@dreamify/core'
import { chapterRepository, childRepository, type Db, imageRepository, storyRepository } from '@dreamify/db'
import type { MediaStores } from '@dreamify/media'
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
export async function loadStoryForBook(
  db: Db,
  media: Pick<MediaStores, 'byName'>,
  storyId: string,
  parentId: string,
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
      // the original, from the store its record names (the print wants the full size)
      const original = await imageRepository.findOriginal(db, chapter.image_id)
      const image = original ? await media.byName(original.store).get(original.key) : undefined
      return image && original ? { bytes: image.bytes, contentType: original.content_type } : null
    }),
  )
  const audio: BookAudio | null = null
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
        audio,
      })),
    },
  }
}
