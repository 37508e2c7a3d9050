// The fixture pictures (fixtures/images/*.png; regenerate them with make-fixture-images.ts): each
// scene and portrait is an SVG document, rendered by sharp. Drawing is deterministic: the same name
// gives the same document, and the same sharp gives the same pixels.
import { mulberry32 } from '../random.ts'
import { AVATARS } from './avatars.ts'
import { clockworkCity, cloudKingdom } from './fantasy.ts'
import { meadowMorning, mountainLake, seasideSunset } from './landscapes.ts'
import { moonlitForest, nightBoat, snowyNight } from './night.ts'
import type { Scene } from './svg.ts'

export { SCENE_SIZE } from './svg.ts'
export { AVATARS }

/** Scene illustrations, keyed by the fixture file's base name. */
export const SCENES: Readonly<Record<string, Scene>> = {
  'scene-moonlit-forest': moonlitForest,
  'scene-seaside-sunset': seasideSunset,
  'scene-clockwork-city': clockworkCity,
  'scene-cloud-kingdom': cloudKingdom,
  'scene-meadow-morning': meadowMorning,
  'scene-snowy-night': snowyNight,
  'scene-mountain-lake': mountainLake,
  'scene-night-boat': nightBoat,
}

export const FIXTURE_PICTURE_NAMES: readonly string[] = [...Object.keys(SCENES), ...Object.keys(AVATARS)]

/** The SVG document of a named fixture picture (a key of SCENES or AVATARS), SCENE_SIZE square. */
export function fixtureSvg(name: string, seed = 7): string {
  const scene = SCENES[name] ?? AVATARS[name]
  if (!scene) throw new Error(`unknown fixture picture ${name}`)
  return scene(mulberry32(seed))
}

/**
 * Renders a named fixture picture as an opaque 8-bit RGB PNG. Truecolour, not a palette: the
 * gradients stay smooth for the WebP variants made from them, and all eleven are about 1 MB.
 */
export async function renderFixturePng(name: string): Promise<Buffer> {
  // Loaded on first use, so the processes that import the test kit for other things never load libvips.
  const { default: sharp } = await import('sharp')
  return sharp(Buffer.from(fixtureSvg(name)))
    .removeAlpha()
    .png({ compressionLevel: 9, adaptiveFiltering: true, effort: 10 })
    .toBuffer()
}
