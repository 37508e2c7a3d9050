import { LANGUAGES } from '@dreamify/core/languages'
import {
  buildStory,
  DEFAULT_STORY_VALUES,
  type FixtureStory,
  formatStory,
  outlineOfFixtureStory,
  STORY_DATA_CLOSE,
  STORY_DATA_OPEN,
  type StoryTemplate,
} from '@dreamify/prompts'
import { hashString } from './random.ts'
import { extractGenres, extractStoryValues } from './story-text.ts'

/** The subset of a chat completion request body the fake reads. */
export interface ChatRequestBody {
  model?: string
  messages?: Array<{ role?: string; content?: unknown }>
  stream?: boolean
  stream_options?: { include_usage?: boolean } | null
  response_format?: { type?: string; json_schema?: { schema?: unknown } } | null
}

/** All message text, in order (string contents and `text` parts). */
export function promptText(body: ChatRequestBody): string {
  const parts: string[] = []
  for (const m of body.messages ?? []) {
    if (typeof m.content === 'string') parts.push(m.content)
    else if (Array.isArray(m.content)) {
      for (const p of m.content as Array<{ text?: unknown }>) if (typeof p?.text === 'string') parts.push(p.text)
    }
  }
  return parts.join('\n')
}

/** The data block of our own prompts, parsed (undefined when the prompt has none, or it is not JSON). */
function dataBlockOf(prompt: string): { block: string; data: Record<string, unknown> } | undefined {
  // The last one: the system message names the delimiters too.
  const start = prompt.lastIndexOf(STORY_DATA_OPEN)
  const end = prompt.indexOf(STORY_DATA_CLOSE, start)
  if (start < 0 || end < 0) return undefined
  const block = prompt.slice(start + STORY_DATA_OPEN.length, end)
  try {
    const data: unknown = JSON.parse(block)
    return typeof data === 'object' && data !== null ? { block, data: data as Record<string, unknown> } : undefined
  } catch {
    return undefined
  }
}

/**
 * The chapter a request asks the story to go on from: k + 1 when its data block sends back the
 * first k chapters as `story_so_far` (a story continued after a failure), else 1.
 */
export function continuedFrom(body: ChatRequestBody): number {
  const soFar = dataBlockOf(promptText(body))?.data.story_so_far as { chapters?: unknown } | undefined
  return Array.isArray(soFar?.chapters) ? soFar.chapters.length + 1 : 1
}

// The prompt without the story so far, whose words must not change the values or the genre read from it.
function promptWithoutStorySoFar(body: ChatRequestBody): string {
  const prompt = promptText(body)
  const found = dataBlockOf(prompt)
  if (!found || !('story_so_far' in found.data)) return prompt
  const { story_so_far: _soFar, ...rest } = found.data
  return prompt.replace(found.block, `\n${JSON.stringify(rest, null, 2)}\n`)
}

/** A JSON response format, or (for servers without one) a prompt that asks for a JSON object. */
export function wantsJson(body: ChatRequestBody): boolean {
  const type = body.response_format?.type
  return type === 'json_schema' || type === 'json_object' || /Answer with only a JSON object/.test(promptText(body))
}

/** The language the prompt asks the story in ("…the whole story in Spanish…"), as a BCP 47 tag; else `en`. */
export function requestedLanguage(body: ChatRequestBody): string {
  const named = /\bwhole story in ([A-Z][a-z]+)/.exec(promptText(body))?.[1]
  if (!named) return 'en'
  const found = Object.entries(LANGUAGES).find(([, info]) => info.name.split(' ')[0] === named)
  return found?.[0] ?? 'en'
}

const WORD_NUMBERS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twelve: 12,
}

/** From the json_schema's chapters.minItems, else "N chapters" in the prompt, else 5 (max 50). */
export function requestedChapterCount(body: ChatRequestBody): number {
  const schema =
    body.response_format?.type === 'json_schema'
      ? (body.response_format.json_schema?.schema as { properties?: { chapters?: { minItems?: unknown } } } | undefined)
      : undefined
  const min = schema?.properties?.chapters?.minItems
  // A continuation's schema counts the chapters still to write.
  if (typeof min === 'number' && Number.isInteger(min) && min > 0) return Math.min(50, min + continuedFrom(body) - 1)
  const m = /\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+chapters/i.exec(promptText(body))
  if (m) {
    const n = /^\d+$/.test(m[1]!) ? Number(m[1]) : WORD_NUMBERS[m[1]!.toLowerCase()]!
    if (n > 0) return Math.min(50, n)
  }
  return 5
}

/** The story the fake tells for a request, built from the templates and the prompt's values. */
export function storyForRequest(body: ChatRequestBody, templates: readonly StoryTemplate[]): FixtureStory {
  const prompt = promptWithoutStorySoFar(body)
  // Our own prompts carry the values in a data block; the format rules around it name "name" too.
  const values = extractStoryValues(dataBlockOf(prompt)?.block ?? prompt)
  return buildStory(templates, {
    chapters: requestedChapterCount(body),
    values,
    genres: extractGenres(prompt),
    language: requestedLanguage(body),
    seed: hashString(`${values.name ?? ''}|${values.topic ?? ''}`),
  })
}

/** An outlined story's call (`Task: outline`, `Task: chapter N of M` in the prompt), or null for a whole story. */
export type OutlineTask = { kind: 'outline' } | { kind: 'chapter'; number: number; of: number }

export function outlineTask(body: ChatRequestBody): OutlineTask | null {
  const match = /^Task: (?:(outline)|chapter (\d+) of (\d+))$/m.exec(promptText(body))
  if (!match) return null
  if (match[1]) return { kind: 'outline' }
  return { kind: 'chapter', number: Number(match[2]), of: Number(match[3]) }
}

/**
 * An outlined story's answer, from the same template the whole story would come from: the outline
 * (its chapter titles and scenes), or one chapter's text.
 */
export function outlineAnswer(body: ChatRequestBody, templates: readonly StoryTemplate[], task: OutlineTask): string {
  const prompt = promptText(body)
  const values = extractStoryValues(prompt)
  const story = buildStory(templates, {
    chapters: task.kind === 'chapter' ? Math.min(50, task.of) : requestedChapterCount(body),
    values,
    genres: extractGenres(prompt),
    seed: hashString(`${values.name ?? ''}|${values.topic ?? ''}`),
  })
  if (task.kind === 'chapter') return story.chapters[task.number - 1]?.content ?? ''
  const hero = values.name ?? DEFAULT_STORY_VALUES.name
  return JSON.stringify(outlineOfFixtureStory(story, { hero, animal: values.animal ?? DEFAULT_STORY_VALUES.animal }))
}

/**
 * The assistant message content: compact JSON for JSON response formats, tagged text otherwise; a
 * continuation gets the same story's remaining chapters only.
 */
export function replyContent(body: ChatRequestBody, story: FixtureStory): string {
  return formatStory(story, wantsJson(body) ? 'json' : 'tagged', continuedFrom(body))
}

/** Content that is not a valid story; `variant` picks one of a few shapes. */
export function malformedContent(body: ChatRequestBody, variant: number): string {
  if (wantsJson(body)) {
    return variant % 2 === 0
      ? JSON.stringify({ title: 'A Sleepy Story', chapters: [{ title: 'The Only Chapter' }] })
      : '{"title": "A Sleepy Story", "chapters": [{"title": "The Beg'
  }
  return variant % 2 === 0
    ? 'Once upon a time there was a story, but I seem to have misplaced its chapters. Sweet dreams!'
    : 'Title: \n\nChapter one... zzz... the end?'
}

/** The fake's own figure for what one input image of an edit costs in tokens (1024×1024, 4 tiles of 170 + 85). */
export const INPUT_IMAGE_TOKENS = 765

/** The usage an image answer reports: the prompt's tokens and the input images' in, a fixed 1056 per image out. */
export function imageUsage(prompt: string, images: number, inputImages = 0) {
  const textTokens = estimateTokens(prompt)
  const imageTokens = INPUT_IMAGE_TOKENS * inputImages
  const outputTokens = 1056 * images
  return {
    input_tokens: textTokens + imageTokens,
    output_tokens: outputTokens,
    total_tokens: textTokens + imageTokens + outputTokens,
    input_tokens_details: { text_tokens: textTokens, image_tokens: imageTokens },
  }
}

export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4))
}

/**
 * How many tokens a broken stream sends: half, or all of chapter `after` and no more of the next
 * than its start (its title's label, which completes chapter `after` for a tagged parser).
 */
export function breakPoint(tokens: string[], content: string, story: FixtureStory, after: number | undefined): number {
  const next = after === undefined ? undefined : story.chapters[after]
  if (!next) return Math.floor(tokens.length / 2)
  const tagged = content.indexOf(`Chapter ${after! + 1}:`)
  const json = content.indexOf(JSON.stringify(next.title))
  const offset = tagged >= 0 ? tagged : json
  if (offset < 0) return Math.floor(tokens.length / 2)
  let sent = 0
  let count = 0
  while (count < tokens.length && sent + tokens[count]!.length <= offset) sent += tokens[count++]!.length
  return count
}
