import type { TextDirection } from '@dreamify/core'
/** A picture, as stored: PNG or JPEG (anything else is left out of the book, like a failed picture). */
export interface BookImage {
  bytes: Buffer
  contentType: string
}

/** A chapter's narration, one playable file (the narration pipeline stores MP3). */
export interface BookAudio {
  bytes: Buffer
  contentType: string
}

export interface BookChapter {
  number: number
  title: string
  /** the chapter's text; paragraphs are separated by blank lines */
  text: string
  /** null when the chapter's picture failed or is not drawn */
  image: BookImage | null
  /** the chapter's narration, when the story was narrated */
  audio?: BookAudio | null
}

/** Everything a keepsake is built from: no database, no network, so builders are pure and testable. */
export interface Book {
  /** the story's id: the EPUB's identifier */
  id: string
  title: string
  childName: string
  /** BCP 47 language tag of the story's text (en, es, ar…) */
  language: string
  direction: TextDirection
  chapters: BookChapter[]
  /** when the story was completed: the EPUB's modification date, so a book is the same every time */
  completedAt: Date
}

interface Phrases {
  forChild: (name: string) => string
  contents: string
  chapter: (number: number) => string
  listen: string
}

const PHRASES: Record<string, Phrases> = {
  en: {
    forChild: (name) => `A bedtime story for ${name}`,
    contents: 'Contents',
    chapter: (n) => `Chapter ${n}`,
    listen: 'Listen to this chapter',
  },
  es: {
    forChild: (name) => `Un cuento para dormir para ${name}`,
    contents: 'Índice',
    chapter: (n) => `Capítulo ${n}`,
    listen: 'Escucha este capítulo',
  },
  ar: {
    forChild: (name) => `قصة قبل النوم من أجل ${name}`,
    contents: 'المحتويات',
    chapter: (n) => `الفصل ${n}`,
    listen: 'استمع إلى هذا الفصل',
  },
}

/** The book's own words in the story's language (English for a language without a translation). */
export const phrasesFor = (language: string): Phrases =>
  PHRASES[language.toLowerCase().split('-')[0] ?? 'en'] ?? (PHRASES.en as Phrases)

/** The cover picture: the first chapter's, or the first chapter that has one. */
export const coverImageOf = (book: Book) => book.chapters.find((chapter) => chapter.image)?.image ?? null

/** Splits a chapter's text into paragraphs (blank lines, or single newlines, separate them). */
export const paragraphsOf = (text: string) =>
  text
    .split(/\r?\n\s*\r?\n|\r?\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    .filter((paragraph) => paragraph.length > 0)

const IMAGE_EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg' }
/** The file extension of a picture both formats can carry, or null for one they cannot. */
export const imageExtension = (image: BookImage) => IMAGE_EXTENSIONS[image.contentType] ?? null

/**
 * Content-Disposition for a download named after the title: an ASCII fallback (accents folded,
 * anything else dropped) in `filename`, and the title itself in RFC 5987's `filename*`.
 */
export function contentDisposition(title: string | null, extension: 'pdf' | 'epub') {
  const clean = (title ?? '')
    .normalize('NFC')
    // nothing a file system or a header cannot take: controls, path separators, quotes, reserved
    .replace(/[\p{Cc}\p{Cf}\\/:*?"<>|]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 100)
    .trim()
  const ascii = clean
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^A-Za-z0-9 ._-]+/g, '')
    .replace(/\s+/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
  const fallback = `${ascii || 'dreamify-story'}.${extension}`
  const utf8 = `${clean || 'dreamify-story'}.${extension}`
  const encoded = encodeURIComponent(utf8).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`
}
