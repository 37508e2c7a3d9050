import PDFDocument from 'pdfkit'
import { type Book, type BookImage, coverImageOf, imageExtension, paragraphsOf, phrasesFor } from './book.ts'
import { bookFonts, fontName, type Weight } from './fonts.ts'
import { pdfPictureFromPng } from './png.ts'
import { type Line, layoutParagraph, type Script } from './text-layout.ts'

// A5 portrait, in points: a book a child holds.
const PAGE = { width: 420, height: 595 }
const MARGIN = 42
const TEXT_WIDTH = PAGE.width - 2 * MARGIN
const FOOTER = 30
const BODY = { size: 13, leading: 21 }
const HEADING = { size: 20, leading: 28 }
const COVER_TITLE = { size: 26, leading: 34 }
const PICTURE = 300

type Doc = PDFKit.PDFDocument
type Align = 'start' | 'center'
/** pdfkit's opened image (its types leave openImage out): embedded once, drawn on the cover and in its chapter. */
interface Picture {
  width: number
  height: number
}
const openImage = (doc: Doc, bytes: Buffer) => (doc as unknown as { openImage(src: Buffer): Picture }).openImage(bytes)

/**
 * The story as a PDF picture book: a cover (title, "A bedtime story for <name>", the cover
 * picture), then each chapter opening on a new page with its title and picture and its text
 * flowing on, every page after the cover numbered. Text is shaped by fontkit (through pdfkit) and
 * ordered by the Unicode Bidirectional Algorithm, so Arabic reads right to left with its letters
 * joined; the fonts are embedded as subsets.
 */
export function buildPdf(book: Book): Promise<Buffer> {
  const doc = new PDFDocument({
    size: [PAGE.width, PAGE.height],
    margin: 0,
    autoFirstPage: false,
    lang: book.language,
    displayTitle: true,
    info: {
      Title: book.title,
      Author: 'Dreamify',
      Subject: phrasesFor(book.language).forChild(book.childName),
      CreationDate: book.completedAt,
      ModDate: book.completedAt,
    },
  })
  const chunks: Buffer[] = []
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  try {
    new PictureBook(doc, book).write()
    doc.end()
  } catch (error) {
    doc.end()
    return Promise.reject(error)
  }
  return done
}

/** A run's characters in the order its glyphs stand on the page. */
const visualText = (run: Line['runs'][number]) =>
  run.level % 2 === 1 ? [...run.logical].reverse().join('') : run.logical

class PictureBook {
  private page = 0
  private y = MARGIN
  private readonly pictures = new Map<BookImage, Picture | null>()

  private readonly doc: Doc
  private readonly book: Book

  constructor(doc: Doc, book: Book) {
    this.doc = doc
    this.book = book
    for (const font of bookFonts()) doc.registerFont(font.name, font.bytes)
  }

  write() {
    const phrases = phrasesFor(this.book.language)
    this.newPage()
    this.y = MARGIN + 24
    this.paragraph(this.book.title, COVER_TITLE, 'bold', 'center')
    this.y += 8
    this.paragraph(phrases.forChild(this.book.childName), BODY, 'regular', 'center')
    this.y += 24
    const cover = coverImageOf(this.book)
    if (cover) this.picture(cover, PICTURE + 36)

    for (const chapter of this.book.chapters) {
      this.newPage()
      this.paragraph(phrases.chapter(chapter.number), BODY, 'regular', 'start')
      this.paragraph(chapter.title, HEADING, 'bold', 'start')
      this.y += 10
      if (chapter.image) this.picture(chapter.image, PICTURE)
      for (const text of paragraphsOf(chapter.text)) {
        this.paragraph(text, BODY, 'regular', 'start')
        this.y += BODY.leading / 2
      }
    }
  }

  private newPage() {
    this.doc.addPage({ size: [PAGE.width, PAGE.height], margin: 0 })
    this.page += 1
    this.y = MARGIN
    // the cover is page 1 and carries no number
    if (this.page > 1) {
      const label = String(this.page)
      this.doc.font(fontName('latin', 'regular')).fontSize(10)
      const width = this.doc.widthOfString(label)
      this.doc.fillColor('#666666').text(label, (PAGE.width - width) / 2, PAGE.height - FOOTER, { lineBreak: false })
      this.doc.fillColor('#000000')
    }
  }

  /** A picture at most `size` wide and tall, centred; one that cannot be read is left out, like a failed one. */
  private picture(image: BookImage, size: number) {
    let picture = this.pictures.get(image)
    if (picture === undefined) {
      picture = null
      if (imageExtension(image)) {
        try {
          picture =
            (image.contentType === 'image/png' ? pdfPictureFromPng(image.bytes, `P${this.pictures.size + 1}`) : null) ??
            openImage(this.doc, image.bytes)
        } catch {
          picture = null
        }
      }
      this.pictures.set(image, picture)
    }
    if (!picture) return
    const scale = Math.min(size / picture.width, size / picture.height, TEXT_WIDTH / picture.width)
    const width = picture.width * scale
    const height = picture.height * scale
    if (this.y + height > PAGE.height - MARGIN - FOOTER) this.newPage()
    this.doc.image(picture as unknown as Buffer, (PAGE.width - width) / 2, this.y, { width, height })
    this.y += height + 16
  }

  private paragraph(text: string, style: { size: number; leading: number }, weight: Weight, align: Align) {
    const measure = (run: string, script: Script) =>
      this.doc.font(fontName(script, weight)).fontSize(style.size).widthOfString(run)
    for (const line of layoutParagraph(text, this.book.direction, TEXT_WIDTH, measure)) {
      if (this.y + style.leading > PAGE.height - MARGIN - FOOTER) this.newPage()
      this.line(line, style.size, weight, align)
      this.y += style.leading
    }
  }

  private line(line: Line, size: number, weight: Weight, align: Align) {
    let x =
      align === 'center'
        ? (PAGE.width - line.width) / 2
        : this.book.direction === 'rtl'
          ? PAGE.width - MARGIN - line.width
          : MARGIN
    // Naskh draws several letters with one skeleton glyph and a dot glyph, so the font's Unicode map
    // cannot say which letter a glyph was: the line carries its text as ActualText, in the order its
    // glyphs stand (left to right, as text extractors such as poppler read it).
    const arabic = line.runs.some((run) => run.script === 'arabic')
    if (arabic) this.doc.markContent('Span', { actual: line.runs.map(visualText).join('') })
    for (const run of line.runs) {
      this.doc.font(fontName(run.script, weight)).fontSize(size).text(run.text, x, this.y, { lineBreak: false })
      x += run.width
    }
    if (arabic) this.doc.endMarkedContent()
  }
}
