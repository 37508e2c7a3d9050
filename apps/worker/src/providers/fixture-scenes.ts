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
  'scene-moonlit-forest': [
    'forest',
    'tree',
    'oak',
    'wood',
    'leaves',
    'moss',
    'path',
    'clearing',
    'mushroom',
    'glow-worm',
  ],
  'scene-mountain-lake': ['mountain', 'lake', 'hill', 'valley', 'pine'],
  'scene-night-boat': ['boat', 'sail', 'tide', 'river'],
  'scene-seaside-sunset': ['sea', 'shell', 'wave', 'lighthouse', 'beach', 'gull', 'shore'],
  'scene-snowy-night': ['snow', 'winter', 'frost', 'ice', 'icicle', 'sledge'],
}

/**
 * The words of the dark, which count for every night scene alike: a starry hilltop is drawn at
 * night rather than in the sunny meadow its clover and flowers would pick.
 */
const NIGHT_WORDS = ['night', 'midnight', 'moon', 'star', 'dark']
const NIGHT_SCENES = new Set(['scene-moonlit-forest', 'scene-night-boat', 'scene-snowy-night'])

/** A stable number from a seed string. */
export const seedOf = (seed: string) => createHash('sha256').update(seed).digest().readUInt32BE(0)

/** A stable pick from a seed string: the same seed always gets the same item. */
export const pick = <T>(items: readonly T[], seed: string): T => items[seedOf(seed) % items.length]!

/** How often the text uses a scene's words: a chapter full of clouds beats one passing garden. */
function hits(text: string, words: readonly string[]): number {
  return words.reduce((sum, word) => sum + (text.match(new RegExp(`\\b${word}`, 'g'))?.length ?? 0), 0)
}

/**
 * The scene for an image prompt: the one whose words (and, for a night scene, the night's) its
 * `Scene:` line uses most (the whole prompt when it has none); a tie, or no match at all, is
 * settled by the prompt's hash.
 */
export function sceneFor(scenes: readonly FixtureScene[], prompt: string): FixtureScene {
  const text = (/^Scene: (.*)$/m.exec(prompt)?.[1] ?? prompt).toLowerCase()
  const night = hits(text, NIGHT_WORDS)
  const scored = scenes.map((scene) => ({
    scene,
    score: hits(text, SCENE_WORDS[scene.name] ?? []) + (NIGHT_SCENES.has(scene.name) ? night : 0),
  }))
  const best = Math.max(...scored.map(({ score }) => score))
  return pick(
    scored.filter(({ score }) => score === best).map(({ scene }) => scene),
    prompt,
  )
}
