import { castFromLines } from './cast.ts'
import { assertChapterCount } from './errors.ts'
import { createEventGate } from './event-gate.ts'
import { cleanTitle, finishLastChapterContent, looksLikeTitle, tidyParagraphs } from './story-text.ts'
import type { CastMember, StoryChapter, StoryDraft, StoryStreamEvent, StoryStreamParser } from './types.ts'
import { validateStoryDraft } from './validate.ts'

// The tagged format is:
//   Title: …
//   Chapter 1 title: …
//   Chapter 1: …paragraphs…
//   …
// Models decorate and bend it, so labels are matched leniently (markdown, case, word numbers),
// and text outside the labels (a preamble, a sign-off) is dropped.

// Models writing in another language often translate the labels too ("Capítulo 2:", "الفصل ٢:"),
// so these accept the labels of the languages we write in, and numbers as words or in other digits.
const WORD_NUMBERS: ReadonlyArray<readonly string[]> = [
  ['one', 'first', 'uno', 'primero', 'primer', 'الأول', 'واحد'],
  ['two', 'second', 'dos', 'segundo', 'الثاني', 'اثنان'],
  ['three', 'third', 'tres', 'tercero', 'tercer', 'الثالث', 'ثلاثة'],
  ['four', 'fourth', 'cuatro', 'cuarto', 'الرابع', 'أربعة'],
  ['five', 'fifth', 'cinco', 'quinto', 'الخامس', 'خمسة'],
  ['six', 'sixth', 'seis', 'sexto', 'السادس', 'ستة'],
  ['seven', 'seventh', 'siete', 'séptimo', 'السابع', 'سبعة'],
  ['eight', 'eighth', 'ocho', 'octavo', 'الثامن', 'ثمانية'],
  ['nine', 'ninth', 'nueve', 'noveno', 'التاسع', 'تسعة'],
  ['ten', 'tenth', 'diez', 'décimo', 'العاشر', 'عشرة'],
  ['eleven'],
  ['twelve'],
  ['thirteen'],
  ['fourteen'],
  ['fifteen'],
  ['sixteen'],
  ['seventeen'],
  ['eighteen'],
  ['nineteen'],
  ['twenty'],
]
const NUMBER_WORDS = WORD_NUMBERS.flat().sort((a, b) => b.length - a.length)
// ASCII, Arabic-Indic and Extended Arabic-Indic (Persian, Urdu) digits.
const NUMBER = `([0-9٠-٩۰-۹]{1,3}|${NUMBER_WORDS.join('|')})`
const TITLE_WORD =
  '(?:title|t[íi]tulo|titre|titel|titolo|tytuł|başlık|заголовок|название|назва|כותרת|العنوان|عنوان|عنوان\\s+(?:القصة|الحكاية))'
const CHAPTER_WORD =
  '(?:chapter|cap[íi]tulo|chapitre|kapitel|capitolo|hoofdstuk|rozdział|bölüm|глава|розділ|פרק|الفصل|فصل)'
const TEXT_WORD = '(?:content|text|story|texto|contenido|historia|النص|المحتوى)'
const CAST_WORD = '(?:cast|characters|personajes|reparto|الشخصيات|شخصيات(?:\\s+(?:القصة|الحكاية))?)'
const MARKS = '[*_]*'
const SEPARATOR = `\\s*${MARKS}\\s*[:：\\-–—]\\s*${MARKS}\\s*`
const TITLE_LABEL = new RegExp(
  `^(?:story\\s+)?${TITLE_WORD}(?:\\s+(?:of\\s+the\\s+story|de\\s+la\\s+historia|del\\s+cuento))?${SEPARATOR}(.*)$`,
  'iu',
)
const CHAPTER_TITLE_LABEL = new RegExp(
  `^${CHAPTER_WORD}\\s+${NUMBER}${MARKS}\\s*(?:[-–—:,]\\s*)?${MARKS}\\s*(?:name|nombre|${TITLE_WORD})${SEPARATOR}(.*)$`,
  'iu',
)
// "Título del capítulo 2:", "Title of chapter 2:", "عنوان الفصل ٢:"
const TITLE_OF_CHAPTER_LABEL = new RegExp(
  `^${TITLE_WORD}\\s+(?:(?:of|del|de|du)\\s+)?(?:(?:the|el|le)\\s+)?${CHAPTER_WORD}\\s+${NUMBER}${SEPARATOR}(.*)$`,
  'iu',
)
const CHAPTER_TEXT_LABEL = new RegExp(
  `^${CHAPTER_WORD}\\s+${NUMBER}${MARKS}\\s*(?:${TEXT_WORD}${MARKS}\\s*)?(?:[:：\\-–—]\\s*${MARKS}\\s*(.*))?$`,
  'iu',
)
// "Chapter 2 scene:" — what to draw, in English (the prompt asks for English labels; "escena", "المشهد" are tolerated).
const CHAPTER_SCENE_LABEL = new RegExp(
  `^${CHAPTER_WORD}\\s+${NUMBER}${MARKS}\\s*(?:[-–—:,]\\s*)?${MARKS}\\s*(?:scene|picture|illustration|escena|المشهد)${SEPARATOR}(.*)$`,
  'iu',
)
const CAST_LABEL = new RegExp(`^${CAST_WORD}${MARKS}\\s*[:：]\\s*${MARKS}\\s*(.*)$`, 'iu')
// Bidirectional marks a right-to-left answer may carry around its labels.
const BIDI_MARKS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
const LEADING_MARKDOWN = /^[\s>#*_-]+/
const HORIZONTAL_RULE = /^(?:[-*_]\s*){3,}$/
const MARKDOWN_HEADING = /^(?:#{1,6}\s+\S|\*\*[^*]+\*\*$)/

type Label =
  | { kind: 'title'; value: string }
  | { kind: 'scene'; number: number; value: string }
  | { kind: 'cast'; value: string }
  | { kind: 'chapterTitle' | 'chapterText'; number: number; value: string }

interface OpenChapter {
  number: number
  title: string
  scene: string
  lines: string[]
  sawTextLabel: boolean
}

function toNumber(token: string): number {
  const word = token.toLocaleLowerCase()
  const asWord = WORD_NUMBERS.findIndex((words) => words.includes(word))
  if (asWord >= 0) return asWord + 1
  const digits = token
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x660))
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x6f0))
  return Number.parseInt(digits, 10)
}

function readLabel(line: string): Label | null {
  const bare = line.replace(BIDI_MARKS, '').replace(LEADING_MARKDOWN, '')
  const chapterTitle = CHAPTER_TITLE_LABEL.exec(bare) ?? TITLE_OF_CHAPTER_LABEL.exec(bare)
  if (chapterTitle) {
    return { kind: 'chapterTitle', number: toNumber(chapterTitle[1] ?? ''), value: chapterTitle[2] ?? '' }
  }
  const scene = CHAPTER_SCENE_LABEL.exec(bare)
  if (scene) return { kind: 'scene', number: toNumber(scene[1] ?? ''), value: (scene[2] ?? '').trim() }
  const chapterText = CHAPTER_TEXT_LABEL.exec(bare)
  if (chapterText) {
    return { kind: 'chapterText', number: toNumber(chapterText[1] ?? ''), value: (chapterText[2] ?? '').trim() }
  }
  const title = TITLE_LABEL.exec(bare)
  if (title) return { kind: 'title', value: title[1] ?? '' }
  const cast = CAST_LABEL.exec(bare)
  return cast ? { kind: 'cast', value: (cast[1] ?? '').trim() } : null
}

function hasText(lines: string[]): boolean {
  return lines.some((line) => line !== '')
}

function finishChapter(open: OpenChapter, expectedChapters: number): StoryChapter {
  let title = cleanTitle(open.title)
  let content = tidyParagraphs(open.lines.map((line) => (HORIZONTAL_RULE.test(line) ? '' : line)).join('\n'))
  if (title === '') {
    // Models that skip the title label usually put the chapter title on the label line or right after it.
    const firstBreak = content.indexOf('\n')
    const firstLine = cleanTitle(firstBreak > 0 ? content.slice(0, firstBreak) : '')
    if (looksLikeTitle(firstLine)) {
      title = firstLine
      content = content.slice(firstBreak).trim()
    }
  }
  if (open.number === expectedChapters) {
    content = finishLastChapterContent(content)
  }
  const scene = open.scene.replace(/\s+/g, ' ').trim()
  return { number: open.number, title, content, ...(scene ? { scene } : {}) }
}

/**
 * Incremental parser for the tagged format. A chapter is emitted once the next chapter's label line
 * has arrived; the title once the first chapter label has. end() flushes the last chapter.
 */
export function createTaggedStoryParser(expectedChapters: number, from = 1): StoryStreamParser {
  assertChapterCount(expectedChapters)
  const gate = createEventGate(expectedChapters, from)
  const chapters: StoryChapter[] = []
  let partialLine = ''
  let stage: 'preamble' | 'title' | 'cast' | 'chapters' = 'preamble'
  let titleLines: string[] = []
  let castLines: string[] = []
  let cast: CastMember[] = []
  let titleMayContinue = false
  let headingBeforeChapters: string | null = null
  let title = ''
  let current: OpenChapter | null = null
  let ended = false

  function closeTitle(): StoryStreamEvent[] {
    title = cleanTitle(stage === 'title' ? titleLines.join(' ') : (headingBeforeChapters ?? ''))
    return gate.offerTitle(title)
  }

  // The title and the cast before chapter 1: whatever is still open closes when the first chapter label arrives.
  function closeHeader(): StoryStreamEvent[] {
    const events = stage === 'cast' ? [] : closeTitle()
    if (stage === 'cast') {
      cast = castFromLines(castLines)
      events.push(...gate.offerCast(cast))
    }
    stage = 'chapters'
    return events
  }

  function closeChapter(): StoryStreamEvent[] {
    if (current === null) return []
    const chapter = finishChapter(current, expectedChapters)
    current = null
    chapters.push(chapter)
    return gate.offerChapter(chapter)
  }

  function openChapter(label: Label & { kind: 'chapterTitle' | 'chapterText' }): OpenChapter {
    const isText = label.kind === 'chapterText'
    return {
      number: label.number,
      title: isText ? '' : label.value,
      scene: '',
      lines: isText && label.value !== '' ? [label.value] : [],
      sawTextLabel: isText,
    }
  }

  // Returns false when the label actually starts another chapter with the same number (a duplicate).
  function continueChapter(open: OpenChapter, label: Label & { kind: 'chapterTitle' | 'chapterText' }): boolean {
    if (label.kind === 'chapterTitle') {
      if (open.title !== '' || hasText(open.lines)) return false
      open.title = label.value
      return true
    }
    if (!open.sawTextLabel && open.title === '' && hasText(open.lines)) {
      // "Chapter 1 title:" left empty with the title on the following line(s).
      open.title = open.lines.filter((line) => line !== '').join(' ')
      open.lines = []
    }
    open.sawTextLabel = true
    if (label.value !== '') open.lines.push(label.value)
    return true
  }

  function readLine(rawLine: string): StoryStreamEvent[] {
    const line = rawLine.trim()
    const label = readLabel(line)
    if (label?.kind === 'title' && stage === 'preamble') {
      stage = 'title'
      titleLines = [label.value]
      titleMayContinue = true
      return []
    }
    if (label?.kind === 'cast' && (stage === 'preamble' || stage === 'title')) {
      const events = closeTitle()
      stage = 'cast'
      castLines = label.value === '' ? [] : [label.value]
      return events
    }
    if (label?.kind === 'scene') {
      // The scene of the open chapter (text lines before it stay the chapter's); anywhere else it is dropped.
      if (stage === 'chapters' && current?.number === label.number && current.scene === '') current.scene = label.value
      return []
    }
    if (label !== null && label.kind !== 'title' && label.kind !== 'cast') {
      const events = stage === 'chapters' ? [] : closeHeader()
      if (current !== null && current.number === label.number && continueChapter(current, label)) {
        return events
      }
      events.push(...closeChapter())
      current = openChapter(label)
      return events
    }
    if (stage === 'preamble') {
      if (MARKDOWN_HEADING.test(line)) headingBeforeChapters = line
    } else if (stage === 'title') {
      // A title may wrap onto the next line; after a blank line anything before Chapter 1 is chatter.
      if (line === '') titleMayContinue = titleMayContinue && !hasText(titleLines)
      else if (titleMayContinue) titleLines.push(line)
    } else if (stage === 'cast') {
      castLines.push(line)
    } else {
      current?.lines.push(line)
    }
    return []
  }

  return {
    push(delta) {
      if (ended) throw new Error('push() called after end()')
      partialLine += delta
      const lines = partialLine.split('\n')
      partialLine = lines.pop() ?? ''
      return lines.flatMap(readLine)
    },
    end() {
      if (ended) throw new Error('end() called twice')
      ended = true
      const events = partialLine === '' ? [] : readLine(partialLine)
      partialLine = ''
      if (stage !== 'chapters') events.push(...closeHeader())
      events.push(...closeChapter())
      const draft = validateStoryDraft({ title: from > 1 ? '' : title, cast, chapters }, expectedChapters, from)
      return { draft, events }
    },
  }
}

/** Parses a complete tagged-format answer; throws StoryFormatError when it is not a valid story. */
export function parseTaggedStory(text: string, expectedChapters: number): StoryDraft {
  const parser = createTaggedStoryParser(expectedChapters)
  parser.push(text)
  return parser.end().draft
}
