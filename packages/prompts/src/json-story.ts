import { castFromJson } from './cast.ts'
import { assertChapterCount, StoryFormatError } from './errors.ts'
import { createEventGate } from './event-gate.ts'
import { finishLastChapterContent, tidyParagraphs } from './story-text.ts'
import type { StoryChapter, StoryDraft, StoryStreamEvent, StoryStreamParser } from './types.ts'
import { validateStoryDraft } from './validate.ts'

interface Container {
  kind: 'object' | 'array'
  start: number
  parent: Container | null
  /** The key this container is the value of, when its parent is an object. */
  keyInParent: string | null
  awaitingKey: boolean
  currentKey: string | null
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function chapterFromJson(value: unknown, number: number, expectedChapters: number): StoryChapter {
  if (!isRecord(value)) {
    throw new StoryFormatError('invalid_shape', `Chapter ${number} is not an object`, number)
  }
  const title = typeof value.title === 'string' ? value.title.trim() : ''
  const content = tidyParagraphs(typeof value.content === 'string' ? value.content : '')
  const scene = typeof value.scene === 'string' ? value.scene.replace(/\s+/g, ' ').trim() : ''
  return {
    number,
    title,
    content: number === expectedChapters ? finishLastChapterContent(content) : content,
    ...(scene ? { scene } : {}),
  }
}

function draftFromJson(value: unknown, expectedChapters: number, from: number): StoryDraft {
  if (!isRecord(value) || !Array.isArray(value.chapters)) {
    throw new StoryFormatError('invalid_shape', 'Expected an object with a "chapters" array')
  }
  const title = from === 1 && typeof value.title === 'string' ? value.title.trim() : ''
  const chapters = value.chapters.map((chapter: unknown, index) =>
    chapterFromJson(chapter, index + from, expectedChapters),
  )
  return validateStoryDraft({ title, cast: castFromJson(value.cast), chapters }, expectedChapters, from)
}

// The root object must open a line (optionally after a ``` fence) so braces in a chatty preamble are skipped.
function canOpenRoot(textBeforeBraceOnLine: string): boolean {
  return /^\s*(?:```[\w-]*\s*)?$/.test(textBeforeBraceOnLine)
}

/**
 * Incremental parser for the JSON format. It scans string/escape state and nesting depth, emitting the title
 * when its string value closes and each chapter when its object inside "chapters" closes. end() parses the
 * whole root object with the same rules, so emitted chapters equal the final ones.
 */
export function createJsonStoryParser(expectedChapters: number, from = 1): StoryStreamParser {
  assertChapterCount(expectedChapters)
  const gate = createEventGate(expectedChapters, from)
  let text = ''
  let position = 0
  let lineStart = 0
  let root: Container | null = null
  let rootEnd = -1
  const stack: Container[] = []
  let inString = false
  let escaped = false
  let stringStart = 0
  let chaptersClosed = 0
  let ended = false

  function parseStringLiteral(start: number, end: number): string | null {
    try {
      const value: unknown = JSON.parse(text.slice(start, end + 1))
      return typeof value === 'string' ? value : null
    } catch {
      return null
    }
  }

  function onStringClosed(start: number, end: number): StoryStreamEvent[] {
    const container = stack.at(-1)
    if (container?.kind !== 'object') return []
    if (container.awaitingKey) {
      container.currentKey = parseStringLiteral(start, end)
      container.awaitingKey = false
      return []
    }
    if (container === root && container.currentKey === 'title') {
      return gate.offerTitle((parseStringLiteral(start, end) ?? '').trim())
    }
    return []
  }

  function onContainerClosed(container: Container, end: number): StoryStreamEvent[] {
    if (container.kind === 'array' && container.parent === root && container.keyInParent === 'cast') {
      try {
        return gate.offerCast(castFromJson(JSON.parse(text.slice(container.start, end + 1))))
      } catch {
        return []
      }
    }
    const isChapter =
      container.kind === 'object' &&
      container.parent?.kind === 'array' &&
      container.parent.keyInParent === 'chapters' &&
      container.parent.parent === root
    if (!isChapter) return []
    chaptersClosed += 1
    try {
      const value: unknown = JSON.parse(text.slice(container.start, end + 1))
      return gate.offerChapter(chapterFromJson(value, chaptersClosed + from - 1, expectedChapters))
    } catch {
      return []
    }
  }

  function openContainer(kind: Container['kind'], start: number): void {
    const parent = stack.at(-1) ?? null
    const container: Container = {
      kind,
      start,
      parent,
      keyInParent: parent?.kind === 'object' ? parent.currentKey : null,
      awaitingKey: kind === 'object',
      currentKey: null,
    }
    stack.push(container)
    root ??= container
  }

  function scan(): StoryStreamEvent[] {
    const events: StoryStreamEvent[] = []
    for (; position < text.length && rootEnd < 0; position += 1) {
      const char = text.charAt(position)
      if (root === null) {
        if (char === '\n') lineStart = position + 1
        else if (char === '{' && canOpenRoot(text.slice(lineStart, position))) openContainer('object', position)
        continue
      }
      if (inString) {
        if (escaped) escaped = false
        else if (char === '\\') escaped = true
        else if (char === '"') {
          inString = false
          events.push(...onStringClosed(stringStart, position))
        }
        continue
      }
      if (char === '"') {
        inString = true
        stringStart = position
      } else if (char === '{') {
        openContainer('object', position)
      } else if (char === '[') {
        openContainer('array', position)
      } else if (char === '}' || char === ']') {
        const closed = stack.pop()
        if (closed) events.push(...onContainerClosed(closed, position))
        if (stack.length === 0) rootEnd = position
      } else if (char === ',') {
        const container = stack.at(-1)
        if (container?.kind === 'object') {
          container.awaitingKey = true
          container.currentKey = null
        }
      }
    }
    return events
  }

  return {
    push(delta) {
      if (ended) throw new Error('push() called after end()')
      text += delta
      return scan()
    },
    end() {
      if (ended) throw new Error('end() called twice')
      ended = true
      if (root === null || rootEnd < 0) {
        throw new StoryFormatError('invalid_json', 'The answer does not contain a complete JSON object')
      }
      let value: unknown
      try {
        value = JSON.parse(text.slice(root.start, rootEnd + 1))
      } catch (error) {
        throw new StoryFormatError('invalid_json', `The answer is not valid JSON: ${(error as Error).message}`)
      }
      return { draft: draftFromJson(value, expectedChapters, from), events: [] }
    },
  }
}

/** Parses a complete JSON-format answer (a ```json fence or chatter around it is tolerated). */
export function parseStructuredStory(text: string, expectedChapters: number): StoryDraft {
  const parser = createJsonStoryParser(expectedChapters)
  parser.push(text)
  return parser.end().draft
}
