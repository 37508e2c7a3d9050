// One process per format for `./dreamify bench books` (bench/books.ts): builds the 5-chapter book
// with the 1024² pictures in the folder it is given, a few times, and prints as JSON the build
// times and the process's memory: its resident set before the first build (modules, fonts and
// pictures loaded) and its peak resident set, from the kernel.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Book, buildEpub, buildPdf } from '@dreamify/books'

const format = process.argv[2] === 'epub' ? 'epub' : 'pdf'
const pictures = process.argv[3]!
const RUNS = Number(process.argv[4] ?? 5)

const paragraph =
  'The little fox curled up beneath the silver birch, listening to the wind hum a lullaby through the leaves, while the stars came out one by one above the sleeping hills.'
const book: Book = {
  id: '00000000-0000-4000-8000-000000000001',
  title: 'The Fox Who Listened to the Wind',
  childName: 'Mia',
  language: 'en',
  direction: 'ltr',
  completedAt: new Date('2026-12-01T20:00:00Z'),
  chapters: Array.from({ length: 5 }, (_, index) => ({
    number: index + 1,
    title: `Chapter title number ${index + 1}`,
    // about 400 words a chapter: a 2,000-word story
    text: Array.from({ length: 12 }, () => paragraph).join('\n\n'),
    image: { bytes: readFileSync(join(pictures, `${index + 1}.png`)), contentType: 'image/png' },
  })),
}
const imageBytes = book.chapters.reduce((sum, chapter) => sum + (chapter.image?.bytes.length ?? 0), 0)

const build = format === 'pdf' ? buildPdf : buildEpub
globalThis.gc?.()
const rssBefore = process.memoryUsage().rss
const times: number[] = []
const cpu: number[] = []
let size = 0
for (let i = 0; i < RUNS; i++) {
  // each build starts from a collected heap, as a server's next request would after a while
  globalThis.gc?.()
  const started = performance.now()
  const cpuStarted = process.cpuUsage()
  size = (await build(book)).length
  times.push(performance.now() - started)
  const used = process.cpuUsage(cpuStarted)
  cpu.push((used.user + used.system) / 1000)
}
console.log(
  JSON.stringify({
    format,
    times,
    cpu,
    size,
    imageBytes,
    rssBefore,
    // ru_maxrss, in KiB: the most the process ever held, building included
    peakRss: process.resourceUsage().maxRSS * 1024,
  }),
)
