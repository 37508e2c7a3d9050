import { cleanTitle } from './story-text.ts'
import type { CastMember } from './types.ts'

// The cast: the recurring characters besides the hero, as the text step described them, so every
// illustration of a chapter they appear in draws them the same.

/** At most this many members are kept: a picture prompt cannot carry a crowd. */
export const MAX_CAST = 6
const MAX_NAME_CHARS = 60
const MAX_DESCRIPTION_CHARS = 300

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Keeps the members with a name and a description, trimmed, each name once, at most MAX_CAST. */
export function tidyCast(members: ReadonlyArray<{ name: string; description: string }>): CastMember[] {
  const seen = new Set<string>()
  const cast: CastMember[] = []
  for (const member of members) {
    const name = cleanTitle(member.name).slice(0, MAX_NAME_CHARS).trim()
    const description = member.description.replace(/\s+/g, ' ').trim().slice(0, MAX_DESCRIPTION_CHARS)
    const key = name.toLocaleLowerCase()
    if (name === '' || description === '' || seen.has(key) || /^(?:none|n\/a|-)$/i.test(name)) continue
    seen.add(key)
    cast.push({ name, description })
    if (cast.length === MAX_CAST) break
  }
  return cast
}

/** The cast of a JSON answer: anything that is not a list of {name, description} strings is left out. */
export function castFromJson(value: unknown): CastMember[] {
  if (!Array.isArray(value)) return []
  return tidyCast(
    value.filter(isRecord).map((m) => ({
      name: typeof m.name === 'string' ? m.name : '',
      description: typeof m.description === 'string' ? m.description : '',
    })),
  )
}

const BULLET = /^\s*(?:[-*•·]|\d{1,2}[.)])\s*/u
const NAME_SEPARATOR = /\s*(?:[:：]|\s[-–—]\s)\s*/u

/** The cast of the tagged format: one `- Name: description` line each (bullets and numbering optional). */
export function castFromLines(lines: readonly string[]): CastMember[] {
  const members: Array<{ name: string; description: string }> = []
  for (const raw of lines) {
    const line = raw.replace(BULLET, '').replace(/\*\*/g, '').trim()
    const split = NAME_SEPARATOR.exec(line)
    if (!split || split.index === 0) continue
    members.push({ name: line.slice(0, split.index), description: line.slice(split.index + split[0].length) })
  }
  return tidyCast(members)
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * The members a chapter's text names: the whole name, case-insensitively, not inside a longer word
 * (Unicode-aware, so Arabic or Cyrillic names match as whole words too). A name of several words
 * also matches by its first word when that is a proper name (capitalised, or in a script without case).
 */
export function castInChapter(cast: readonly CastMember[], content: string): CastMember[] {
  return cast.filter((member) => namesOf(member.name).some((name) => mentions(content, name)))
}

function namesOf(name: string): string[] {
  const words = name.split(/\s+/u)
  const first = words[0] ?? ''
  const properName = words.length > 1 && first.length >= 3 && first !== first.toLocaleLowerCase()
  return properName ? [name, first] : [name]
}

// Marks (accents, Arabic vowel signs) are left out on both sides, so "búho" finds "buho" and a voweled Arabic text matches.
const withoutMarks = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '')
const ARABIC = /^\p{Script=Arabic}/u
// Arabic writes "and", "with", "to", "the" onto the word: وَ فَ بِ كَ لِ and الـ.
const ARABIC_PROCLITICS = '(?:[وف]?[بكل]?(?:ال|ل)?)'

function mentions(content: string, name: string): boolean {
  const bare = withoutMarks(name).trim()
  if (bare === '') return false
  const arabic = ARABIC.test(bare)
  const stem = arabic ? bare.replace(/^ال/u, '') : bare
  const prefix = arabic ? ARABIC_PROCLITICS : ''
  return new RegExp(`(?<![\\p{L}\\p{N}])${prefix}${escapeRegExp(stem)}(?![\\p{L}\\p{N}])`, 'iu').test(
    withoutMarks(content),
  )
}
