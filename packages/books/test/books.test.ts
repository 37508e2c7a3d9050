import { readFileSync } from 'node:fs'
import { inflateSync } from 'node:zlib'
import type { TextDirection } from '@dreamify/core'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { epubcheck, epubEntries, epubFile, pdfText, renderPdf } from '../../../test/support/books.ts'
import { type Book, buildBook, buildEpub, buildPdf, contentDisposition } from '../src/index.ts'
import { pdfPictureFromPng } from '../src/png.ts'
import { layoutParagraph } from '../src/text-layout.ts'

const picture = (name: string) => ({
  bytes: readFileSync(new URL(`../../../fixtures/images/${name}.png`, import.meta.url)),
  contentType: 'image/png',
})

const STORIES: Record<string, { direction: TextDirection; title: string; forChild: string; chapters: string[][] }> = {
  en: {
    direction: 'ltr',
    title: 'The Otter Who Counted Stars',
    forChild: 'A bedtime story for Łucja',
    chapters: [
      [
        'A Quiet River',
        'Once upon a time, beside a quiet river, lived a small otter named Pip who loved the night sky.',
      ],
      ['The First Star', 'When the moon rose, Pip climbed onto a warm stone and began to count the stars, one by one.'],
      ['Home to Sleep', 'At last the river sang softly, and Pip curled up in his cosy den and fell fast asleep.'],
    ],
  },
  es: {
    direction: 'ltr',
    title: 'El búho que soñaba con la luna',
    forChild: 'Un cuento para dormir para Íñigo',
    chapters: [
      [
        'Una noche tranquila',
        'Había una vez un búho pequeño que vivía en un árbol junto al río. ¿Quién canta? preguntó.',
      ],
      ['El viaje de Íñigo', 'Íñigo abrió la ventana y el búho voló hacia él. ¡Qué alegría! dijo el niño, sonriendo.'],
      ['Dulces sueños', 'Después, la luna iluminó la habitación y el niño se durmió acurrucado bajo su manta.'],
    ],
  },
  ar: {
    direction: 'rtl',
    title: 'القمر الصغير',
    forChild: 'قصة قبل النوم من أجل Mia',
    chapters: [
      ['ليلة هادئة', 'كانت ليلى تنظر إلى القمر من نافذتها كل مساء، وتحلم بالسفر بين النجوم.'],
      ['رحلة بين النجوم', 'في تلك الليلة نزل القمر وقال لها: تعالي معي يا ليلى، سنزور النجوم معا.'],
      ['العودة إلى البيت', 'عادت ليلى إلى سريرها الدافئ، وأغمضت عينيها ونامت بهدوء حتى الصباح.'],
    ],
  },
}

function bookIn(language: keyof typeof STORIES, audio = false): Book {
  const story = STORIES[language]!
  const images = [picture('scene-cloud-kingdom'), null, picture('scene-clockwork-city')]
  return {
    id: '5d9f1f7e-3c1a-4a7b-9d5e-2f1b8c6a4e10',
    title: story.title,
    childName: { es: 'Íñigo', en: 'Łucja' }[language] ?? 'Mia',
    language,
    direction: story.direction,
    completedAt: new Date('2026-12-01T20:00:00Z'),
    chapters: story.chapters.map(([title, opening], index) => ({
      number: index + 1,
      title: title!,
      // long enough to run onto a second page
      text: Array.from({ length: 8 }, () => opening).join('\n\n'),
      image: images[index] ?? null,
      audio: audio && index === 0 ? { bytes: Buffer.from('ID3\u0004\u0000\u0000'), contentType: 'audio/mpeg' } : null,
    })),
  }
}

const words = (text: string, count: number) => text.split(/\s+/).slice(0, count).join(' ')
// Words as poppler extracts them: it may set punctuation apart from the word before it (the Arabic comma).
/** epubcheck starts a JVM: on a busy machine it takes far longer than the default 30 s. */
const EPUBCHECK_TIMEOUT_MS = 180_000

const flat = (text: string) =>
  text
    .replace(/\p{P}+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()

describe.each(Object.keys(STORIES))('the %s picture book (PDF)', (language) => {
  it('renders every page, embeds its fonts, and holds the cover and every chapter title and opening words', async () => {
    const story = STORIES[language]!
    const pdf = await buildPdf(bookIn(language))
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')

    const { pages, rendered, fonts } = await renderPdf(pdf)
    expect(pages).toBeGreaterThan(1 + story.chapters.length)
    expect(rendered).toBe(pages)
    expect(fonts.length).toBeGreaterThan(0)
    expect(fonts.filter((font) => !font.embedded)).toEqual([])

    const text = flat(await pdfText(pdf))
    expect(text).toContain(flat(story.title))
    expect(text).toContain(flat(story.forChild))
    for (const [title, opening] of story.chapters) {
      expect(text).toContain(flat(title!))
      expect(text).toContain(flat(words(opening!, 6)))
    }
  })
})

describe.each(Object.keys(STORIES))('the %s EPUB', (language) => {
  it(
    'passes epubcheck with its language and direction in the metadata, a page per chapter and a nav',
    async () => {
      const story = STORIES[language]!
      const epub = await buildEpub(bookIn(language, true))
      const check = await epubcheck(epub)
      expect(check.output).toContain('Messages:')
      expect({ errors: check.errors, fatals: check.fatals }).toEqual({ errors: 0, fatals: 0 })

      const entries = await epubEntries(epub)
      expect(entries[0]).toBe('mimetype')
      expect(entries).toEqual(
        expect.arrayContaining(['EPUB/nav.xhtml', 'EPUB/cover.xhtml', 'EPUB/chapter-1.xhtml', 'EPUB/chapter-3.xhtml']),
      )
      expect(entries).toContain('EPUB/audio/chapter-1.mp3')
      expect(entries.filter((entry) => entry.startsWith('EPUB/images/'))).toHaveLength(2)

      const opf = await epubFile(epub, 'EPUB/package.opf')
      expect(opf).toContain(`<dc:language>${language}</dc:language>`)
      expect(opf).toContain(`page-progression-direction="${story.direction}"`)
      expect(opf).toContain('properties="cover-image"')
      const chapter = await epubFile(epub, 'EPUB/chapter-2.xhtml')
      expect(chapter).toContain(`dir="${story.direction}"`)
      expect(chapter).toContain(story.chapters[1]![0])
      // chapter 2's picture failed: its page has no picture
      expect(chapter).not.toContain('<img')
    },
    EPUBCHECK_TIMEOUT_MS,
  )
})

describe('an EPUB without narration', () => {
  it('carries no audio', async () => {
    const entries = await epubEntries(await buildEpub(bookIn('en')))
    expect(entries.filter((entry) => entry.includes('audio'))).toEqual([])
  })
})

describe('the right-to-left line', () => {
  // one unit per character: order is what is checked
  const measure = (text: string) => [...text].length

  it('puts an Arabic line right to left, keeping a Latin name and numbers left to right inside it', () => {
    const [line] = layoutParagraph('قالت Mia 12 مرحبا', 'rtl', 100, measure)
    const runs = line!.runs.filter((run) => run.logical.trim())
    // visual order, left to right (UBA's W7 makes 12 after Mia left to right with it)
    expect(runs.map((run) => run.logical)).toEqual(['مرحبا', 'Mia 12', 'قالت'])
    expect(runs.map((run) => run.script)).toEqual(['arabic', 'latin', 'arabic'])
  })

  it('sets the letters of Latin Extended in their own face', () => {
    const [line] = layoutParagraph('Łucja śpi', 'ltr', 100, measure)
    expect(line!.runs.map((run) => [run.text, run.script])).toEqual([
      ['Ł', 'latinExt'],
      ['ucja ', 'latin'],
      ['ś', 'latinExt'],
      ['pi', 'latin'],
    ])
  })

  it('breaks at spaces to fit the width', () => {
    const lines = layoutParagraph('one two three four', 'ltr', 9, measure)
    expect(lines.map((line) => line.runs.map((run) => run.text).join(''))).toEqual(['one two', 'three', 'four'])
  })
})

describe('contentDisposition', () => {
  it('names the file after the title, with an ASCII fallback and the title in filename*', () => {
    expect(contentDisposition('El búho: "¿dónde?"', 'pdf')).toBe(
      `attachment; filename="El-buho-donde.pdf"; filename*=UTF-8''El%20b%C3%BAho%20%C2%BFd%C3%B3nde%3F.pdf`.replace(
        '%3F',
        '',
      ),
    )
    expect(contentDisposition('القمر الصغير', 'epub')).toMatch(
      /^attachment; filename="dreamify-story\.epub"; filename\*=UTF-8''%D8%A7/,
    )
    expect(contentDisposition(null, 'pdf')).toBe(
      `attachment; filename="dreamify-story.pdf"; filename*=UTF-8''dreamify-story.pdf`,
    )
    expect(contentDisposition('../../etc/passwd\r\n', 'pdf')).toMatch(/^attachment; filename="etc-passwd\.pdf"/)
  })
})

describe('a PNG picture in the PDF', () => {
  const embedded = (png: Buffer) => {
    const picture = pdfPictureFromPng(png, 'P1')!
    const objects: Array<{ data: Record<string, unknown>; bytes?: Buffer }> = []
    picture.embed({
      ref(data) {
        const object: { data: Record<string, unknown>; bytes?: Buffer } = { data }
        objects.push(object)
        return {
          end: (bytes?: Buffer) => {
            object.bytes = bytes
          },
        }
      },
    })
    return objects
  }

  it('with alpha is blended onto the white page, its rows unfiltered', async () => {
    // 3×2, half see-through red; sharp picks the row filters
    const rgba = Buffer.alloc(3 * 2 * 4)
    for (let i = 0; i < 6; i++) rgba.set([255, 0, 0, 128], i * 4)
    const png = await sharp(rgba, { raw: { width: 3, height: 2, channels: 4 } })
      .png({ adaptiveFiltering: true })
      .toBuffer()
    const [image] = embedded(png)
    expect(image!.data).toMatchObject({ Width: 3, Height: 2, ColorSpace: 'DeviceRGB', BitsPerComponent: 8 })
    const rows = inflateSync(image!.bytes!)
    // each row: filter 0, then 3 pixels of red over white at alpha 128
    const row = [0, 255, 127, 127, 255, 127, 127, 255, 127, 127]
    expect([...rows]).toEqual([...row, ...row])
  })

  it('that is opaque keeps its compressed rows as they are', async () => {
    const rgb = Buffer.alloc(4 * 4 * 3, 200)
    const png = await sharp(rgb, { raw: { width: 4, height: 4, channels: 3 } })
      .png()
      .toBuffer()
    const [image] = embedded(png)
    expect(image!.data).toMatchObject({ Width: 4, ColorSpace: 'DeviceRGB', DecodeParms: { Predictor: 15, Colors: 3 } })
    expect(png.includes(image!.bytes!)).toBe(true)
  })

  it('with a palette keeps its indices, its see-through colours blended in the palette', async () => {
    const rgba = Buffer.alloc(2 * 2 * 4)
    rgba.set([0, 0, 255, 255, 0, 0, 255, 0, 0, 0, 255, 255, 0, 0, 255, 0])
    const png = await sharp(rgba, { raw: { width: 2, height: 2, channels: 4 } })
      .png({ palette: true })
      .toBuffer()
    const objects = embedded(png)
    const image = objects.find((object) => object.data.Subtype === 'Image')!
    const [indexed, base] = image.data.ColorSpace as [string, string, number, unknown]
    expect([indexed, base]).toEqual(['Indexed', 'DeviceRGB'])
    // the palette's table is the object made before the image
    const colours = objects[0]!.bytes!
    // blue stays blue; the see-through entry became white
    const entries = Array.from({ length: colours.length / 3 }, (_, i) => [...colours.subarray(i * 3, i * 3 + 3)])
    expect(entries).toEqual(
      expect.arrayContaining([
        [0, 0, 255],
        [255, 255, 255],
      ]),
    )
  })
})

describe('buildBook', () => {
  it('builds in the worker thread the same files as the builders do in this one', async () => {
    const book = bookIn('ar', true)
    expect((await buildBook('epub', book)).equals(await buildEpub(book))).toBe(true)
    const pdf = await buildBook('pdf', book)
    expect(flat(await pdfText(pdf))).toContain(flat(book.chapters[0]!.title))
  })
})
