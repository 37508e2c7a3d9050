import { Worker } from 'node:worker_threads'
import type { Book } from './book.ts'

type Answer = { id: number; file?: Uint8Array; error?: string }

let worker: Worker | null = null
let nextId = 0
const pending = new Map<number, { resolve: (file: Buffer) => void; reject: (error: Error) => void }>()

function failAll(error: Error) {
  for (const request of pending.values()) request.reject(error)
  pending.clear()
  worker = null
}

function bookWorker() {
  if (worker) return worker
  const created = new Worker(new URL('./build-worker.ts', import.meta.url))
  // an idle worker never keeps the process alive
  created.unref()
  created.on('message', ({ id, file, error }: Answer) => {
    const request = pending.get(id)
    pending.delete(id)
    if (!request) return
    if (error !== undefined || !file) request.reject(new Error(`the book could not be built: ${error}`))
    else request.resolve(Buffer.from(file.buffer, file.byteOffset, file.byteLength))
  })
  created.on('error', (error) => failAll(error))
  created.on('exit', (code) => failAll(new Error(`the book worker exited (${code})`)))
  worker = created
  return created
}

/**
 * Builds a book in the process's one book worker thread (started on first use), one book after
 * another: a PDF's layout and pictures take a few hundred milliseconds of CPU, which would
 * otherwise hold up every other request of the process. The book's bytes are copied to it.
 */
export function buildBook(format: 'pdf' | 'epub', book: Book): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const id = nextId++
    pending.set(id, { resolve, reject })
    bookWorker().postMessage({ id, format, book })
  })
}
