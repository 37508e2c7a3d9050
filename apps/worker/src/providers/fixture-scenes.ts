import { createHash } from 'node:crypto'

/** A fixture picture: its file name without `.png`, and its bytes. */
export interface FixtureScene {
  name: string
  bytes: Buffer
}

/** Patterns for the starts of words (`gear` matches "gears"), compiled once, not per picture. */
const wordsStarting = (...starts: string[]) => starts.map((start) => new RegExp(`\\b${start}`, 'g'))

/**
 * What each fixture scene shows, as the starts of words a chapter's scene would use for it, and
 * whether it is a night scene. The offline pictures then follow the story, a clockwork chapter
 * drawn as the clockwork city, instead of landing anywhere by chance. No scene claims an animal or
 * a pastime ("sand" of "building sandcastles"): the child's favourites are in every story.
 */
const SCENES: Record<string, { words: readonly RegExp[]; night?: true }> = {
  'scene-clockwork-city': {
    words: wordsStarting('clock', 'gear', 'cog', 'brass', 'copper', 'pendulum', 'lever', 'pulley', 'spring'),
  },
  'scene-cloud-kingdom': { words: wordsStarting('cloud', 'rain', 'rainbow', 'storm', 'sky', 'droplet') },
  'scene-meadow-morning': {
    words: wordsStarting('meadow', 'garden', 'flower', 'clover', 'morning', 'sunrise', 'butterfl'),
  },
  'scene-moonlit-forest': {
    words: wordsStarting(
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
    ),
    night: true,
  },
  'scene-mountain-lake': { words: wordsStarting('mountain', 'lake', 'hill', 'valley', 'pine') },
  'scene-night-boat': { words: wordsStarting('boat', 'sail', 'tide', 'river'), night: true },
  'scene-seaside-sunset': { words: wordsStarting('sea', 'shell', 'wave', 'lighthouse', 'beach', 'gull', 'shore') },
  'scene-snowy-night': { words: wordsStarting('snow', 'winter', 'frost', 'ice', 'icicle', 'sledge'), night: true },
}

/**
 * The words of the dark, which count for every night scene alike: a starry hilltop is drawn at
 * night rather than in the sunny meadow its clover and flowers would pick.
 */
const NIGHT_WORDS = wordsStarting('night', 'midnight', 'moon', 'star', 'dark')

/** A stable number from a seed string. */
export const seedOf = (seed: string) => createHash('sha256').update(seed).digest().readUInt32BE(0)

/** A stable pick from a seed string: the same seed always gets the same item. */
export const pick = <T>(items: readonly T[], seed: string): T => items[seedOf(seed) % items.length]!

/** How often the text uses a scene's words: a chapter full of clouds beats one passing garden. */
function hits(text: string, words: readonly RegExp[]): number {
  return words.reduce((sum, word) => sum + (text.match(word)?.length ?? 0), 0)
}

/**
 * The scene for an image prompt: the one whose words (and, for a night scene, the night's) its
 * `Scene:` line uses most (the whole prompt when it has none); a tie, or no match at all, is
 * settled by the prompt's hash.
 */
export function sceneFor(scenes: readonly FixtureScene[], prompt: string): FixtureScene {
  const text = (/^Scene: (.*)$/m.exec(prompt)?.[1] ?? prompt).toLowerCase()
  const night = hits(text, NIGHT_WORDS)
  const scored = scenes.map((scene) => {
    const known = SCENES[scene.name]
    return { scene, score: known ? hits(text, known.words) + (known.night ? night : 0) : 0 }
  })
  const best = Math.max(...scored.map(({ score }) => score))
  return pick(
    scored.filter(({ score }) => score === best).map(({ scene }) => scene),
    prompt,
  )
}
