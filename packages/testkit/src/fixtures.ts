import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { hashString } from './random.ts'

/** The repository's fixtures/ directory (packages/testkit/src → ../../../fixtures). */
export const fixturesDir: string = fileURLToPath(new URL('../../../fixtures/', import.meta.url)).replace(/[\\/]$/, '')

export interface FixtureImage {
  name: string
  png: Buffer
}

/** Loads fixtures/images/*.png (sorted by name); [] when the directory is missing. */
export function loadFixtureImages(dir: string = join(fixturesDir, 'images')): FixtureImage[] {
  let files: string[]
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.png'))
      .sort()
  } catch {
    return []
  }
  return files.map((f) => ({ name: f.slice(0, -4), png: readFileSync(join(dir, f)) }))
}

const PORTRAIT = /\b(portrait|avatar|face|headshot|profile picture)\b/i

/**
 * Chooses `count` images for an image prompt: names whose words appear in the prompt win
 * (`forest` → scene-moonlit-forest), portraits for avatar-like prompts, else a stable hash pick.
 */
export function pickFixtureImages(images: readonly FixtureImage[], prompt: string, count: number): FixtureImage[] {
  if (images.length === 0) return []
  const wantsPortrait = PORTRAIT.test(prompt)
  const kind = (img: FixtureImage): boolean => img.name.startsWith('avatar-') === wantsPortrait
  const pool = images.some(kind) ? images.filter(kind) : [...images]
  const lower = prompt.toLowerCase()
  const score = (img: FixtureImage): number =>
    img.name.split('-').filter((w) => w.length > 3 && w !== 'scene' && w !== 'avatar' && lower.includes(w)).length
  let start = hashString(prompt) % pool.length
  const best = pool.reduce((b, img, i) => (score(img) > score(pool[b]!) ? i : b), start)
  if (score(pool[best]!) > 0) start = best
  return Array.from({ length: count }, (_, i) => pool[(start + i) % pool.length]!)
}
