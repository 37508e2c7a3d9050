import type { TextDirection } from '@dreamify/core'
import bidiModule, { type Bidi } from 'bidi-js'

// bidi-js is CommonJS whose module.exports is the factory its types call the default export.
const bidi = (bidiModule as unknown as () => Bidi)()

/**
 * Which of the book's faces sets a character: Arabic script in the Arabic face, the letters of
 * Latin Extended (Ł, ş, ő, đ…) in Noto Sans' extended subset, everything else in its Latin one.
 */
export type Script = 'latin' | 'latinExt' | 'arabic'

const ARABIC = /[\u0600-\u06FF\u0750-\u077F\u0870-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/
// what @fontsource's latin-ext subset holds and its latin subset does not (ı, Œ and œ are in latin)
const LATIN_EXT = /[\u0100-\u0130\u0132-\u0151\u0154-\u024F\u1E00-\u1EFF\u2C60-\u2C7F\uA720-\uA7FF]/
export const scriptOf = (char: string): Script =>
  ARABIC.test(char) ? 'arabic' : LATIN_EXT.test(char) ? 'latinExt' : 'latin'

/** A piece of one line set in one font at one embedding level, ready to draw left to right. */
export interface Run {
  /** the text to hand to the shaper (fontkit reverses Arabic-script runs into visual order itself) */
  text: string
  /** the run's characters in reading order: the PDF's ActualText, since one Arabic glyph serves several letters */
  logical: string
  script: Script
  level: number
  width: number
}

export interface Line {
  /** runs in visual order, left to right */
  runs: Run[]
  width: number
}

/** Width of a text in a font at the size being laid out (the PDF builder's fontkit-backed measure). */
export type Measure = (text: string, script: Script) => number

/** Maximal pieces of one script, in logical order. */
function scriptPieces(text: string, from: number, to: number) {
  const pieces: Array<{ start: number; end: number; script: Script }> = []
  for (let i = from; i < to; i++) {
    const script = scriptOf(text[i]!)
    const last = pieces.at(-1)
    if (last && last.script === script && last.end === i) last.end = i + 1
    else pieces.push({ start: i, end: i + 1, script })
  }
  return pieces
}

/**
 * Unicode's rule L2 on runs: from the highest level down to the lowest odd one, every maximal
 * sequence of runs at that level or above is reversed.
 */
function visualOrder<T extends { level: number }>(runs: T[]): T[] {
  const ordered = [...runs]
  const levels = ordered.map((run) => run.level)
  const highest = Math.max(0, ...levels)
  const lowestOdd = Math.min(...levels.filter((level) => level % 2 === 1), highest + 1)
  for (let level = highest; level >= lowestOdd; level--) {
    for (let i = 0; i < ordered.length; i++) {
      if (ordered[i]!.level < level) continue
      let j = i
      while (j + 1 < ordered.length && ordered[j + 1]!.level >= level) j++
      ordered.splice(i, j - i + 1, ...ordered.slice(i, j + 1).reverse())
      i = j
    }
  }
  return ordered
}

/**
 * The text a run hands to the shaper. fontkit's layout puts an Arabic-script run in visual order
 * by itself; a right-to-left run of other characters (punctuation, spaces) is reversed here, with
 * its brackets mirrored; a left-to-right run of Arabic script (Arabic-Indic digits) is reversed
 * beforehand so that fontkit's reversal puts it back.
 */
function shapingText(text: string, script: Script, level: number) {
  const rtl = level % 2 === 1
  if (script === 'arabic' && !rtl) return [...text].reverse().join('')
  if (script !== 'arabic' && rtl)
    return [...text]
      .reverse()
      .map((char) => bidi.getMirroredCharacter(char) ?? char)
      .join('')
  return text
}

/**
 * Breaks a paragraph into lines no wider than `width`, at spaces, then orders each line's runs
 * for display with the Unicode Bidirectional Algorithm (bidi-js), the paragraph's base direction
 * being the story's. A word wider than a line stands on a line of its own.
 */
export function layoutParagraph(paragraph: string, direction: TextDirection, width: number, measure: Measure): Line[] {
  const { levels } = bidi.getEmbeddingLevels(paragraph, direction)
  const space = measure(' ', 'latin')
  const words: Array<{ start: number; end: number; width: number }> = []
  for (const match of paragraph.matchAll(/\S+/g)) {
    const start = match.index
    const end = start + match[0].length
    const wordWidth = scriptPieces(paragraph, start, end).reduce(
      (sum, piece) => sum + measure(paragraph.slice(piece.start, piece.end), piece.script),
      0,
    )
    words.push({ start, end, width: wordWidth })
  }
  const lines: Line[] = []
  let first = 0
  while (first < words.length) {
    let last = first
    let lineWidth = words[first]!.width
    while (last + 1 < words.length && lineWidth + space + words[last + 1]!.width <= width) {
      lineWidth += space + words[last + 1]!.width
      last++
    }
    lines.push(orderLine(paragraph, levels, words[first]!.start, words[last]!.end, measure))
    first = last + 1
  }
  return lines
}

function orderLine(text: string, levels: Uint8Array, from: number, to: number, measure: Measure): Line {
  const logical: Array<{ start: number; end: number; script: Script; level: number }> = []
  for (const piece of scriptPieces(text, from, to)) {
    for (let i = piece.start; i < piece.end; i++) {
      const level = levels[i] ?? 0
      const last = logical.at(-1)
      if (last && last.level === level && last.script === piece.script && last.end === i) last.end = i + 1
      else logical.push({ start: i, end: i + 1, script: piece.script, level })
    }
  }
  const runs = visualOrder(logical).map((piece): Run => {
    const logicalText = text.slice(piece.start, piece.end)
    const shaped = shapingText(logicalText, piece.script, piece.level)
    return {
      text: shaped,
      logical: logicalText,
      script: piece.script,
      level: piece.level,
      width: measure(shaped, piece.script),
    }
  })
  return { runs, width: runs.reduce((sum, run) => sum + run.width, 0) }
}
