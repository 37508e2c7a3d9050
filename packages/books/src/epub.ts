import yazl from 'yazl'
import { type Book, type BookImage, coverImageOf, imageExtension, paragraphsOf, phrasesFor } from './book.ts'

const AUDIO_EXTENSIONS: Record<string, string> = { 'audio/mpeg': 'mp3', 'audio/mp4': 'm4a' }

const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)

/** EPUB's dcterms:modified: seconds, no fraction, UTC. */
const modified = (date: Date) => `${date.toISOString().slice(0, 19)}Z`

interface Item {
  id: string
  href: string
  mediaType: string
  properties?: string
  bytes: Buffer
}

/**
 * The story as a reflowable EPUB 3: package metadata with the language and reading direction
 * (`dc:language`, `dir`, the spine's `page-progression-direction`), a cover page and the cover
 * image, one XHTML file per chapter with its picture (and its narration, when there is one), and
 * the navigation document. Checked by epubcheck in the tests.
 */
export function buildEpub(book: Book): Promise<Buffer> {
  const phrases = phrasesFor(book.language)
  const lang = escapeXml(book.language)
  const dir = book.direction
  const page = (title: string, body: string) =>
    `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="${lang}" lang="${lang}" dir="${dir}">
<head>
<meta charset="UTF-8"/>
<title>${escapeXml(title)}</title>
<link rel="stylesheet" type="text/css" href="style.css"/>
</head>
<body>
${body}
</body>
</html>
`
  const items: Item[] = []
  const spine: string[] = []
  const imageFiles = new Map<BookImage, Item>()
  const imageItem = (image: BookImage, id: string, properties?: string) => {
    const extension = imageExtension(image)
    if (!extension) return null
    let item = imageFiles.get(image)
    if (!item) {
      item = { id, href: `images/${id}.${extension}`, mediaType: image.contentType, bytes: image.bytes }
      if (properties) item.properties = properties
      imageFiles.set(image, item)
      items.push(item)
    }
    return item
  }
  const xhtml = (id: string, title: string, body: string, properties?: string) => {
    const item: Item = {
      id,
      href: `${id}.xhtml`,
      mediaType: 'application/xhtml+xml',
      bytes: Buffer.from(page(title, body)),
    }
    if (properties) item.properties = properties
    items.push(item)
    return item
  }

  items.push({
    id: 'style',
    href: 'style.css',
    mediaType: 'text/css',
    bytes: Buffer.from(STYLE),
  })

  const cover = coverImageOf(book)
  const coverImage = cover ? imageItem(cover, 'cover-image', 'cover-image') : null
  const coverPage = xhtml(
    'cover',
    book.title,
    `<section epub:type="cover" class="cover">
<h1>${escapeXml(book.title)}</h1>
<p class="for">${escapeXml(phrases.forChild(book.childName))}</p>
${coverImage ? `<img src="${coverImage.href}" alt="${escapeXml(book.title)}"/>` : ''}
</section>`,
  )
  spine.push(coverPage.id)

  const chapterPages = book.chapters.map((chapter) => {
    const picture = chapter.image ? imageItem(chapter.image, `chapter-${chapter.number}-image`) : null
    const extension = chapter.audio ? AUDIO_EXTENSIONS[chapter.audio.contentType] : undefined
    let audio: Item | null = null
    if (chapter.audio && extension) {
      audio = {
        id: `chapter-${chapter.number}-audio`,
        href: `audio/chapter-${chapter.number}.${extension}`,
        mediaType: chapter.audio.contentType,
        bytes: chapter.audio.bytes,
      }
      items.push(audio)
    }
    const body = `<section epub:type="chapter" id="chapter-${chapter.number}">
<p class="number">${escapeXml(phrases.chapter(chapter.number))}</p>
<h2>${escapeXml(chapter.title)}</h2>
${picture ? `<img src="${picture.href}" alt="${escapeXml(chapter.title)}"/>` : ''}
${audio ? `<audio controls="controls" src="${audio.href}" title="${escapeXml(phrases.listen)}">${escapeXml(phrases.listen)}</audio>` : ''}
${paragraphsOf(chapter.text)
  .map((paragraph) => `<p>${escapeXml(paragraph)}</p>`)
  .join('\n')}
</section>`
    const item = xhtml(`chapter-${chapter.number}`, chapter.title, body)
    spine.push(item.id)
    return { chapter, item }
  })

  xhtml(
    'nav',
    phrases.contents,
    `<nav epub:type="toc" id="toc">
<h2>${escapeXml(phrases.contents)}</h2>
<ol>
<li><a href="${coverPage.href}">${escapeXml(book.title)}</a></li>
${chapterPages.map(({ chapter, item }) => `<li><a href="${item.href}">${escapeXml(chapter.title)}</a></li>`).join('\n')}
</ol>
</nav>`,
    'nav',
  )

  const opf = `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id" xml:lang="${lang}" dir="${dir}">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:identifier id="book-id">urn:uuid:${escapeXml(book.id)}</dc:identifier>
<dc:title>${escapeXml(book.title)}</dc:title>
<dc:language>${lang}</dc:language>
<dc:creator>Dreamify</dc:creator>
<dc:description>${escapeXml(phrases.forChild(book.childName))}</dc:description>
<meta property="dcterms:modified">${modified(book.completedAt)}</meta>
</metadata>
<manifest>
${items
  .map(
    (item) =>
      `<item id="${item.id}" href="${item.href}" media-type="${item.mediaType}"${item.properties ? ` properties="${item.properties}"` : ''}/>`,
  )
  .join('\n')}
</manifest>
<spine page-progression-direction="${dir}">
${spine.map((id) => `<itemref idref="${id}"/>`).join('\n')}
</spine>
</package>
`

  const zip = new yazl.ZipFile()
  const mtime = book.completedAt
  // The mimetype comes first and stored, so that a reader can recognise the file by its first bytes.
  zip.addBuffer(Buffer.from('application/epub+zip'), 'mimetype', { compress: false, mtime })
  zip.addBuffer(Buffer.from(CONTAINER), 'META-INF/container.xml', { mtime })
  zip.addBuffer(Buffer.from(opf), 'EPUB/package.opf', { mtime })
  for (const item of items) {
    const compressed = !item.mediaType.startsWith('image/') && !item.mediaType.startsWith('audio/')
    zip.addBuffer(item.bytes, `EPUB/${item.href}`, { compress: compressed, mtime })
  }
  zip.end()
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk))
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)))
    zip.outputStream.on('error', reject)
  })
}

const CONTAINER = `<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles>
<rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
</rootfiles>
</container>
`

const STYLE = `body { font-family: serif; line-height: 1.6; margin: 0 5%; }
.cover { text-align: center; }
.cover h1 { font-size: 2em; margin-top: 1em; }
.for { font-style: italic; }
.number { font-size: 0.9em; margin-bottom: 0; opacity: 0.7; }
h2 { margin-top: 0.2em; }
img { display: block; max-width: 100%; max-height: 60vh; margin: 1em auto; }
audio { display: block; width: 100%; margin: 1em 0; }
`
