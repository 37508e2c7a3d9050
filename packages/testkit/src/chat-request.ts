import {
  buildStory,
  DEFAULT_STORY_VALUES,
  type FixtureStory,
  formatStory,
  outlineOfFixtureStory,
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

export function wantsJson(body: ChatRequestBody): boolean {
  const type = body.response_format?.type
  return type === 'json_schema' || type === 'json_object'
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
  if (typeof min === 'number' && Number.isInteger(min) && min > 0) return Math.min(50, min)
  const m = /\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+chapters/i.exec(promptText(body))
  if (m) {
    const n = /^\d+$/.test(m[1]!) ? Number(m[1]) : WORD_NUMBERS[m[1]!.toLowerCase()]!
    if (n > 0) return Math.min(50, n)
  }
  return 5
}

/** The story the fake tells for a request, built from the templates and the prompt's values. */
export function storyForRequest(body: ChatRequestBody, templates: readonly StoryTemplate[]): FixtureStory {
  const prompt = promptText(body)
  const values = extractStoryValues(prompt)
  return buildStory(templates, {
    chapters: requestedChapterCount(body),
    values,
    genres: extractGenres(prompt),
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

/** The assistant message content: compact JSON for JSON response formats, tagged text otherwise. */
export function replyContent(body: ChatRequestBody, story: FixtureStory): string {
  return formatStory(story, wantsJson(body) ? 'json' : 'tagged')
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

/** The usage an image answer reports: the prompt's tokens in, a fixed 1056 per image out. */
export function imageUsage(prompt: string, images: number) {
  const inputTokens = estimateTokens(prompt)
  const outputTokens = 1056 * images
  return {
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
    input_tokens_details: { text_tokens: inputTokens, image_tokens: 0 },
  }
}

export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4))
}
