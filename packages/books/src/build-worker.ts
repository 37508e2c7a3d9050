// The worker thread behind buildBook (off-thread.ts): builds one book at a time, so that the
// API's event loop never waits for a PDF's layout and pictures.
import { parentPort } from 'node:worker_threads'
import type { Book, BookChapter } from './book.ts'
import { buildEpub } from './epub.ts'
import { buildPdf } from './pdf.ts'

/** Buffers cross threads as plain Uint8Arrays; the builders read them as Buffers. */
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

function revive(book: Book): Book {
  const chapters = book.chapters.map(
    (chapter): BookChapter => ({
      ...chapter,
      image: chapter.image ? { ...chapter.image, bytes: asBuffer(chapter.image.bytes) } : null,
      audio: chapter.audio ? { ...chapter.audio, bytes: asBuffer(chapter.audio.bytes) } : null,
    }),
  )
  return { ...book, chapters }
}

parentPort!.on('message', async (message: { id: number; format: 'pdf' | 'epub'; book: Book }) => {
  try {
    const build = message.format === 'pdf' ? buildPdf : buildEpub
    const file = await build(revive(message.book))
    parentPort!.postMessage({ id: message.id, file })
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: (error as Error).message ?? String(error) })
  }
})
