import { assertChapterCount } from './errors.ts'
import { createEventGate } from './event-gate.ts'
import { cleanTitle, finishLastChapterContent, looksLikeTitle, tidyParagraphs } from './story-text.ts'
import type { StoryChapter, StoryDraft, StoryStreamEvent, StoryStreamParser } from './types.ts'
import { validateStoryDraft } from './validate.ts'

// The tagged format is:
//   Title: …
//   Chapter 1 title: …
//   Chapter 1: …paragraphs…
//   …
// Models decorate and bend it, so labels are matched leniently (markdown, case, word numbers),
// and text outside the labels (a preamble, a sign-off) is dropped.

const WORD_NUMBERS = [
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
  'twenty',
]
const NUMBER = `(\\d{1,3}|${[...WORD_NUMBERS].sort((a, b) => b.length - a.length).join('|')})`
const MARKS = '[*_]*'
const SEPARATOR = `\\s*${MARKS}\\s*[:\\-–—]\\s*${MARKS}\\s*`
const TITLE_LABEL = new RegExp(`^(?:story\\s+)?title${SEPARATOR}(.*)$`, 'i')
const CHAPTER_TITLE_LABEL = new RegExp(
  `^chapter\\s+${NUMBER}${MARKS}\\s*(?:[-–—:,]\\s*)?${MARKS}\\s*(?:title|name)${SEPARATOR}(.*)$`,
  'i',
)
const CHAPTER_TEXT_LABEL = new RegExp(
  `^chapter\\s+${NUMBER}${MARKS}\\s*(?:(?:content|text|story)${MARKS}\\s*)?(?:[:\\-–—]\\s*${MARKS}\\s*(.*))?$`,
  'i',
)
const LEADING_MARKDOWN = /^[\s>#*_-]+/
const HORIZONTAL_RULE = /^(?:[-*_]\s*){3,}$/
const MARKDOWN_HEADING = /^(?:#{1,6}\s+\S|\*\*[^*]+\*\*$)/

type Label = { kind: 'title'; value: string } | { kind: 'chapterTitle' | 'chapterText'; number: number; value: string }

interface OpenChapter {
  number: number
  title: string
  lines: string[]
  sawTextLabel: boolean
}

function toNumber(token: string): number {
  const asWord = WORD_NUMBERS.indexOf(token.toLowerCase())
  return asWord >= 0 ? asWord + 1 : Number.parseInt(token, 10)
}

function readLabel(line: string): Label | null {
  const bare = line.replace(LEADING_MARKDOWN, '')
  const chapterTitle = CHAPTER_TITLE_LABEL.exec(bare)
  if (chapterTitle) {
    return { kind: 'chapterTitle', number: toNumber(chapterTitle[1] ?? ''), value: chapterTitle[2] ?? '' }
  }
  const chapterText = CHAPTER_TEXT_LABEL.exec(bare)
  if (chapterText) {
    return { kind: 'chapterText', number: toNumber(chapterText[1] ?? ''), value: (chapterText[2] ?? '').trim() }
  }
  const title = TITLE_LABEL.exec(bare)
  return title ? { kind: 'title', value: title[1] ?? '' } : null
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
  return { number: open.number, title, content }
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
  let stage: 'preamble' | 'title' | 'chapters' = 'preamble'
  let titleLines: string[] = []
  let titleMayContinue = false
  let headingBeforeChapters: string | null = null
  let title = ''
  let current: OpenChapter | null = null
  let ended = false

  function closeTitle(): StoryStreamEvent[] {
    title = cleanTitle(stage === 'title' ? titleLines.join(' ') : (headingBeforeChapters ?? ''))
    stage = 'chapters'
    return gate.offerTitle(title)
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
    if (label !== null && label.kind !== 'title') {
      const events = stage === 'chapters' ? [] : closeTitle()
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
      if (stage !== 'chapters') events.push(...closeTitle())
      events.push(...closeChapter())
      const draft = validateStoryDraft({ title: from > 1 ? '' : title, chapters }, expectedChapters, from)
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
