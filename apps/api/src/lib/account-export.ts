import { Readable } from 'node:stream'
import {
  accountDataRepository,
  childRepository,
  type Db,
  jobRepository,
  jobSnapshot,
  parentRepository,
} from '@dreamify/db'
import { type MediaStores, readImageOriginal } from '@dreamify/media'
import yazl from 'yazl'
import { childView } from '../views/child.ts'
import { storyView } from '../views/story.ts'
import type { ImageLinks } from './image-urls.ts'
import { safetySummary } from './safety-view.ts'

export const EXPORT_FILE = 'dreamify-export.json'

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' }
/** Where an image lives inside the zip; the JSON's `avatar_url` and `image_url` say exactly this. */
export const imageFileName = (imageId: string, contentType: string) =>
  `images/${imageId}.${EXTENSIONS[contentType] ?? 'bin'}`

/**
 * A parent's data as a zip (GDPR Art. 20): dreamify-export.json with the parent, children, stories
 * with their chapters and jobs, each in the shape the API answers with (image URLs replaced by the
 * image's file in the zip), then every image's original. The zip is streamed: images are read from
 * their store one at a time, as the client takes the bytes, and never all at once.
 */
export async function exportAccount(
  db: Db,
  media: Pick<MediaStores, 'byName'>,
  parentId: string,
): Promise<Readable | null> {
  const [parent, children, stories, chapters, jobs, images] = await Promise.all([
    parentRepository.findById(db, parentId),
    childRepository.listByParent(db, parentId),
    accountDataRepository.stories(db, parentId),
    accountDataRepository.chapters(db, parentId),
    jobRepository.listWithin(db, { parentId }),
    accountDataRepository.images(db, parentId),
  ])
  if (!parent) return null
  const chaptersByStory = Map.groupBy(chapters, (chapter) => chapter.story_id)
  const files = new Map(images.map((image) => [image.id, imageFileName(image.id, image.content_type)]))
  const fileOf = (imageId: string) => files.get(imageId) ?? null
  // The API's own view of a child, its avatar pointing into the zip instead of at a signed URL.
  // The original only: the zip is the parent's copy, not a screen. Narration audio is not put in the
  // zip (it is read again from the text on request).
  const inZip: ImageLinks = { url: fileOf, small: fileOf, srcset: () => null, audio: () => null }

  const document = {
    format: 'dreamify-export/1',
    exported_at: new Date(),
    parent,
    children: children.map((child) => childView(child, inZip)),
    // each story as GET /api/stories/:story_id shows it, its safety summary included
    stories: await Promise.all(
      stories.map(async (story) => ({
        ...storyView(story, chaptersByStory.get(story.id) ?? [], inZip),
        safety: await safetySummary(db, story.id),
      })),
    ),
    jobs: jobs.map((job) => jobSnapshot(job)),
  }

  const zip = new yazl.ZipFile()
  zip.addBuffer(Buffer.from(JSON.stringify(document, null, 2)), EXPORT_FILE, { mtime: document.exported_at })
  for (const [imageId, name] of files) {
    // Images are compressed already; the bytes are fetched only when the zip reaches this entry.
    zip.addReadStreamLazy(name, { compress: false, mtime: document.exported_at }, (done) => {
      readOriginal(db, media, imageId).then(
        (bytes) => done(null, Readable.from([bytes])),
        (error: unknown) => done(error, Readable.from([])),
      )
    })
  }
  zip.end()
  const output = zip.outputStream as Readable
  // Fastify logs a stream that fails after its headers, with the request's id, and ends the response.
  zip.on('error', (error: unknown) => output.destroy(error as Error))
  return output
}

async function readOriginal(db: Db, media: Pick<MediaStores, 'byName'>, imageId: string): Promise<Buffer> {
  return (await readImageOriginal(db, media, imageId))?.bytes ?? Buffer.alloc(0)
}
