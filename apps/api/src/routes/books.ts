import { buildBook, contentDisposition, loadStoryForBook } from '@dreamify/books'
import { AppError, found, StoryParams } from '@dreamify/core'
import type { Db } from '@dreamify/db'
import type { MediaStores } from '@dreamify/media'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { documentRoutes } from '../lib/route-docs.ts'
import { bearerAuth, bookAnswers, errorResponses } from '../lib/schema.ts'

export interface BookRouteDeps {
  db: Db
  /** the pictures' originals are read from their store */
  media: MediaStores
}

const FORMATS = {
  pdf: { mediaType: 'application/pdf', what: 'A PDF picture book' },
  epub: { mediaType: 'application/epub+zip', what: 'An EPUB 3 (reflowable)' },
} as const

/** A finished story as keepsakes: a PDF picture book and an EPUB, built on request from what is saved. */
export const bookRoutes: FastifyPluginAsyncTypebox<BookRouteDeps> = async (app, { db, media }) => {
  documentRoutes(app, { tags: ['stories'], security: bearerAuth })
  for (const [extension, format] of Object.entries(FORMATS) as Array<
    [keyof typeof FORMATS, (typeof FORMATS)[keyof typeof FORMATS]]
  >) {
    app.get(`/stories/:story_id/book.${extension}`, {
      schema: {
        summary: `The completed story as ${extension === 'pdf' ? 'a PDF picture book' : 'an EPUB 3'}`,
        description:
          extension === 'pdf'
            ? 'A cover (title, "A bedtime story for <name>", the cover picture), then each chapter with its picture and text, pages numbered. Fonts are embedded; right-to-left languages are set right to left. A chapter whose picture failed is laid out without it. 409 until the story is completed.'
            : 'Reflowable EPUB 3 with the language and reading direction in its metadata, the cover, one XHTML file per chapter with its picture (and its narration when the story has one) and a navigation document. 409 until the story is completed.',
        params: StoryParams,
        response: { ...bookAnswers(format.mediaType, format.what), ...errorResponses(404, 409) },
      },
      handler: async (request, typedReply) => {
        // The body is a file, not a schema-described JSON document.
        const reply = typedReply as unknown as FastifyReply
        const story = found(await loadStoryForBook(db, media, request.parentId, request.params.story_id), 'story')
        if (story.status !== 'completed') {
          throw new AppError(
            'CONFLICT',
            `the story is ${story.status}: only a completed story can be downloaded as a book`,
          )
        }
        // built in the book worker thread: the event loop goes on serving other requests
        const file = await buildBook(extension, story.book)
        return reply
          .header('content-type', format.mediaType)
          .header('content-disposition', contentDisposition(story.book.title, extension))
          .header('cache-control', 'private, no-store')
          .send(file)
      },
    })
  }
}
