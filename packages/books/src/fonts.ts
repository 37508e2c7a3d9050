import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { Script } from './text-layout.ts'

const require = createRequire(import.meta.url)

/** The files of a @fontsource package (its exports name only its CSS and its licence). */
const fontFile = (pkg: string, file: string) => join(dirname(require.resolve(`${pkg}/LICENSE`)), 'files', file)

/**
 * The faces the books embed, from npm packages so every machine makes the same book: Noto Sans
 * (its Latin subset: English, Spanish and the other Western European languages) and Noto Naskh
 * Arabic. WOFF 1, which fontkit reads (zlib) and pdfkit subsets into the PDF as TrueType.
 */
const FILES: Record<Script, Record<'regular' | 'bold', string>> = {
  latin: {
    regular: fontFile('@fontsource/noto-sans', 'noto-sans-latin-400-normal.woff'),
    bold: fontFile('@fontsource/noto-sans', 'noto-sans-latin-700-normal.woff'),
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
      bytes: readFileSync(FILES[script][weight]),
    })),
  )
  return cache
}
