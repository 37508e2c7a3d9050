import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { inflateSync } from 'node:zlib'
import type { Script } from './text-layout.ts'

const require = createRequire(import.meta.url)

/** The files of a @fontsource package (its exports name only its CSS and its licence). */
const fontFile = (pkg: string, file: string) => join(dirname(require.resolve(`${pkg}/LICENSE`)), 'files', file)

/**
 * The faces the books embed, from npm packages so every machine makes the same book: Noto Sans
 * (its Latin subset: English, Spanish and the other Western European languages; its Latin
 * Extended one for the letters of Central European names and languages) and Noto Naskh
 * Arabic, as WOFF 1 files, unpacked here to TrueType, which pdfkit subsets into the PDF.
 */
const FILES: Record<Script, Record<'regular' | 'bold', string>> = {
  latin: {
    regular: fontFile('@fontsource/noto-sans', 'noto-sans-latin-400-normal.woff'),
    bold: fontFile('@fontsource/noto-sans', 'noto-sans-latin-700-normal.woff'),
  },
  latinExt: {
    regular: fontFile('@fontsource/noto-sans', 'noto-sans-latin-ext-400-normal.woff'),
    bold: fontFile('@fontsource/noto-sans', 'noto-sans-latin-ext-700-normal.woff'),
  },
  arabic: {
    regular: fontFile('@fontsource/noto-naskh-arabic', 'noto-naskh-arabic-arabic-400-normal.woff'),
    bold: fontFile('@fontsource/noto-naskh-arabic', 'noto-naskh-arabic-arabic-700-normal.woff'),
  },
}

export type Weight = 'regular' | 'bold'
export const fontName = (script: Script, weight: Weight) => `${script}-${weight}`

let cache: Array<{ name: string; bytes: Buffer }> | undefined
/** Every face with the name the PDF builder registers it under, read once per process. */
export function bookFonts() {
  cache ??= (Object.keys(FILES) as Script[]).flatMap((script) =>
    (['regular', 'bold'] as const).map((weight) => ({
      name: fontName(script, weight),
      bytes: sfntFromWoff(readFileSync(FILES[script][weight])),
    })),
  )
  return cache
}

/**
 * WOFF 1 unpacked to the TrueType font inside it, once per process: fontkit would otherwise
 * inflate every table again (in JavaScript) for each book.
 */
export function sfntFromWoff(woff: Buffer): Buffer {
  if (woff.toString('latin1', 0, 4) !== 'wOFF') return woff
  const tables = Array.from({ length: woff.readUInt16BE(12) }, (_, i) => {
    const entry = 44 + i * 20
    const offset = woff.readUInt32BE(entry + 4)
    const compressed = woff.readUInt32BE(entry + 8)
    const length = woff.readUInt32BE(entry + 12)
    const stored = woff.subarray(offset, offset + compressed)
    return {
      tag: woff.subarray(entry, entry + 4),
      checksum: woff.readUInt32BE(entry + 16),
      data: compressed < length ? inflateSync(stored) : stored,
    }
  })
  const count = tables.length
  const power = 2 ** Math.floor(Math.log2(count))
  const header = Buffer.alloc(12 + 16 * count)
  woff.copy(header, 0, 4, 8) // the flavour: the sfnt version
  header.writeUInt16BE(count, 4)
  header.writeUInt16BE(power * 16, 6)
  header.writeUInt16BE(Math.log2(power), 8)
  header.writeUInt16BE(count * 16 - power * 16, 10)
  const parts: Buffer[] = [header]
  let offset = header.length
  tables.forEach((table, i) => {
    const record = 12 + 16 * i
    table.tag.copy(header, record)
    header.writeUInt32BE(table.checksum, record + 4)
    header.writeUInt32BE(offset, record + 8)
    header.writeUInt32BE(table.data.length, record + 12)
    const padding = (4 - (table.data.length % 4)) % 4
    parts.push(table.data, Buffer.alloc(padding))
    offset += table.data.length + padding
  })
  return Buffer.concat(parts)
}
