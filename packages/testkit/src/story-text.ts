import { STORY_GENRES, type StoryGenre } from '@dreamify/core/enums'
import type { FixtureStory, StoryValues } from '@dreamify/prompts'

// Reads a chat prompt the way the fake OpenAI server needs to: the story values and genres it
// names, to tell the fixture story (packages/prompts' fixture-stories) that fits the request.

const KEYS: Record<Exclude<keyof StoryValues, 'pronoun' | 'possessive' | 'gender'>, string[]> = {
  name: ["child(?:'s)?[ _]?name", 'first[ _]?name', 'name', 'hero'],
  topic: ['topic', 'theme', 'subject'],
  // Plural too: our own prompts say favourite_animals and favourite_activities.
  animal: ['favou?rite[ _]?animals?', 'animal[ _]?companion', 'animal', 'pet'],
  activity: ['favou?rite[ _]?activit(?:y|ies)', 'activity', 'hobby', 'hobbies'],
}

function findValue(prompt: string, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const re = new RegExp(`(?:^|[\\s{,"'*(-])${key}["']?\\s*[:=]\\s*["']?([^\\n"';,{}()]+)`, 'im')
    const value = re
      .exec(prompt)?.[1]
      ?.split(/[.!?]\s/)[0]
      ?.trim()
      .replace(/[.!]+$/, '')
      .trim()
    if (value && value.length <= 60) return value
  }
  return undefined
}

const PRONOUNS: Record<string, [string, string]> = {
  she: ['she', 'her'],
  her: ['she', 'her'],
  girl: ['she', 'her'],
  female: ['she', 'her'],
  he: ['he', 'his'],
  him: ['he', 'his'],
  boy: ['he', 'his'],
  male: ['he', 'his'],
  they: ['they', 'their'],
  them: ['they', 'their'],
}

/**
 * Finds plain story values in a prompt: `Name: Ada`, `"topic": "volcanoes"`, `named Ada`,
 * `a story about volcanoes`, `Pronouns: she/her`, `gender: boy`… Missing values are left out.
 */
export function extractStoryValues(prompt: string): Partial<StoryValues> {
  const found: Partial<StoryValues> = {}
  for (const [field, keys] of Object.entries(KEYS) as Array<[keyof typeof KEYS, string[]]>) {
    const value = findValue(prompt, keys)
    if (value) found[field] = value
  }
  found.name ??= /\b(?:named|called)\s+([A-Z][\p{L}'-]{0,30})/u.exec(prompt)?.[1]
  found.topic ??= /\bstory about\s+(.{2,60}?)(?=\s+(?:for|with|who|that|where|called|named)\b|[\n.,;!?"]|$)/i
    .exec(prompt)?.[1]
    ?.trim()
  const pronoun =
    findValue(prompt, ['pronouns?', 'gender', 'sex'])
      ?.toLowerCase()
      .split(/[\s/]+/)[0] ?? /\b(she|he|they)\/(?:her|him|them)\b/i.exec(prompt)?.[1]?.toLowerCase()
  const pair = pronoun ? PRONOUNS[pronoun] : undefined
  if (pair) {
    ;[found.pronoun, found.possessive] = pair
    found.gender = pair[0] === 'she' ? 'feminine' : 'masculine'
  }
  for (const key of Object.keys(found) as Array<keyof StoryValues>) if (!found[key]) delete found[key]
  return found
}

/** Genres named in a prompt (`Genre: Fantasy`, or the bare capitalised words). */
export function extractGenres(prompt: string): StoryGenre[] {
  const listed = findValue(prompt, ['genres?']) ?? prompt
  return STORY_GENRES.filter((g) => new RegExp(`\\b${g}\\b`, listed === prompt ? '' : 'i').test(listed))
}

/**
 * A lenient reading of a tagged story (any chapter count, a cut-off answer too), for inspecting
 * what the fake sent; null when there is no title or no chapter. The worker's strict parser is
 * `parseTaggedStory` in @dreamify/prompts.
 */
export function parseTaggedStory(text: string): FixtureStory | null {
  const title = /^Title:\s*(.+)$/m.exec(text)?.[1]?.trim()
  const heads = [...text.matchAll(/^Chapter\s+(\d+)\s+title:\s*(.*)$/gim)]
  if (!title || heads.length === 0) return null
  const castBlock = /^Cast:\s*\n((?:-[^\n]*(?:\n|$))*)/m.exec(text.slice(0, heads[0]!.index))?.[1] ?? ''
  const cast = [...castBlock.matchAll(/^-\s*([^:\n]+):\s*(.+)$/gm)].map((m) => ({
    name: m[1]!.trim(),
    description: m[2]!.trim(),
  }))
  const chapters = heads.map((head, i) => {
    const end = heads[i + 1]?.index ?? text.length
    const body = text.slice(head.index + head[0].length, end)
    // An optional scene line, then the chapter's text.
    const opening = new RegExp(
      `^\\s*(?:Chapter\\s+${head[1]}\\s+scene:(.*)\\n)?\\s*Chapter\\s+${head[1]}:\\s*`,
      'i',
    ).exec(body)
    const scene = opening?.[1]?.trim()
    const content = body.slice(opening?.[0].length ?? 0).trim()
    return { title: head[2]!.trim(), content, ...(scene ? { scene } : {}) }
  })
  return { title, cast, chapters }
}
