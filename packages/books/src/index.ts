export * from './book.ts'
export { buildEpub } from './epub.ts'
export { buildPdf } from './pdf.ts'
export { loadStoryForBook, type StoryForBook } from './source.ts'
