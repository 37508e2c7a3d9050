import { createHash } from 'node:crypto'

/** A fixture picture: its file name without `.png`, and its bytes. */
export interface FixtureScene {
  name: string
  bytes: Buffer
}

/**
 * What each fixture scene shows, as the starts of words a chapter's scene would use for it
 * (`gear` matches "gears"). The offline pictures then follow the story, a clockwork chapter drawn
 * as the clockwork city, instead of landing anywhere by chance. No scene claims an animal or a
 * pastime ("sand" of "building sandcastles"): the child's favourites are in every story.
 */
const SCENE_WORDS: Record<string, readonly string[]> = {
  'scene-clockwork-city': ['clock', 'gear', 'cog', 'brass', 'copper', 'pendulum', 'lever', 'pulley', 'spring'],
  'scene-cloud-kingdom': ['cloud', 'rain', 'rainbow', 'storm', 'sky', 'droplet'],
  'scene-meadow-morning': ['meadow', 'garden', 'flower', 'clover', 'morning', 'sunrise', 'butterfl'],
  'scene-moonlit-forest': ['forest', 'tree', 'oak', 'wood', 'leaves'],
  'scene-mountain-lake': ['mountain', 'lake', 'hill', 'valley', 'pine'],
  'scene-night-boat': ['boat', 'sail', 'tide', 'river', 'moon', 'star'],
  'scene-seaside-sunset': ['sea', 'shell', 'wave', 'lighthouse', 'beach', 'gull', 'shore'],
  'scene-snowy-night': ['snow', 'winter', 'frost', 'ice', 'icicle', 'sledge'],
}

/** A stable number from a seed string. */
export const seedOf = (seed: string) => createHash('sha256').update(seed).digest().readUInt32BE(0)

/** A stable pick from a seed string: the same seed always gets the same item. */
export const pick = <T>(items: readonly T[], seed: string): T => items[seedOf(seed) % items.length]!

/** How often the text uses a scene's words: a chapter full of clouds beats one passing garden. */
function hits(text: string, words: readonly string[]): number {
  return words.reduce((sum, word) => sum + (text.match(new RegExp(`\\b${word}`, 'g'))?.length ?? 0), 0)
}

/**
 * The scene for an image prompt: the one whose words its `Scene:` line uses most (the whole
 * prompt when it has none); a tie, or no match at all, is settled by the prompt's hash.
 */
export function sceneFor(scenes: readonly FixtureScene[], prompt: string): FixtureScene {
  const text = (/^Scene: (.*)$/m.exec(prompt)?.[1] ?? prompt).toLowerCase()
  const scored = scenes.map((scene) => ({ scene, score: hits(text, SCENE_WORDS[scene.name] ?? []) }))
  const best = Math.max(...scored.map(({ score }) => score))
  return pick(
    scored.filter(({ score }) => score === best).map(({ scene }) => scene),
    prompt,
  )
}
