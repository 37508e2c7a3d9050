import { createHash } from 'node:crypto'
import type { StoryChild } from './types.ts'

// Invented names, unlikely in an English story (the only language stories are written in today):
// a stand-in that also occurs in the story for its own sake would have the child's name put in its place.
const STAND_IN_NAMES = [
  'Quillon',
  'Zephrina',
  'Orvalle',
  'Taviska',
  'Brimwell',
  'Kestrin',
  'Marzipa',
  'Velloran',
  'Pimbrook',
  'Ysmerelle',
  'Thistlyn',
  'Corvanna',
] as const

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const whole = (word: string, flags: string) =>
  new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(word)}(?![\\p{L}\\p{N}])`, flags)

/**
 * The name the provider is given instead of the child's: picked by the story id (so every retry of
 * a story uses the same one), and never one that the child's name, favourites or the topic contain.
 */
export function chooseStandInName(
  seed: string,
  child: Pick<StoryChild, 'name'> & Partial<StoryChild>,
  topic = '',
): string {
  const fields = [child.name, child.ethnicity, child.fav_animals, child.fav_activities, child.fav_shows, topic]
    .filter((field): field is string => typeof field === 'string')
    .join(' ')
    .toLowerCase()
  const name = child.name.trim().toLowerCase()
  const usable = STAND_IN_NAMES.filter((candidate) => {
    const lower = candidate.toLowerCase()
    return !fields.includes(lower) && !lower.includes(name) && !name.includes(lower)
  })
  const start = createHash('sha256').update(seed).digest().readUInt32BE(0)
  // Twelve names cannot all be inside one child's fields of bounded length; the fallback keeps this total.
  return usable[start % Math.max(usable.length, 1)] ?? `Zyx${start.toString(36).slice(0, 4)}`
}

/**
 * Puts the child's real name back where the provider wrote the stand-in: whole words only, in any
 * case ("QUILLON!" becomes "MIA!"), possessives included ("Quillon's" becomes "Mia's").
 */
export function restoreChildName(text: string, standIn: string, realName: string): string {
  const name = realName.trim()
  return text.replace(whole(standIn, 'giu'), (found) =>
    found.length > 1 && found === found.toUpperCase() ? name.toUpperCase() : name,
  )
}

/**
 * The other way round, for saved text sent back to the provider (a story continued after a failure):
 * the child's name, as written or in capitals, becomes the stand-in again.
 */
export function hideChildName(text: string, realName: string, standIn: string): string {
  const name = realName.trim()
  if (!name) return text
  return text.replace(whole(name, 'gu'), standIn).replace(whole(name.toUpperCase(), 'gu'), standIn.toUpperCase())
}

/** Takes the child's name out of text bound for an image prompt: models letter names into pictures, and it is the child's. */
export function withoutChildName(text: string, realName: string): string {
  const name = realName.trim()
  if (!name) return text
  return text
    .replace(whole(`${name}'s`, 'giu'), "the child's")
    .replace(whole(`${name}’s`, 'giu'), 'the child’s')
    .replace(whole(name, 'giu'), 'the child')
    .replace(/(^|[.!?…]\s+)the child/g, (_m, start: string) => `${start}The child`)
}
