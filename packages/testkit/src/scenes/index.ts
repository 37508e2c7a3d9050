// The painted scenes and portraits behind the fixture images (fixtures/images/*.png; regenerate
// them with make-fixture-images.ts). Painting is deterministic: the same name gives the same pixels.
import type { Canvas } from '../paint.ts'
import { createCanvas } from '../paint.ts'
import { encodePng } from '../png.ts'
import { mulberry32 } from '../random.ts'
import { AVATARS } from './avatars.ts'
import { clockworkCity, cloudKingdom } from './fantasy.ts'
import { meadowMorning, mountainLake, seasideSunset } from './landscapes.ts'
import { moonlitForest, nightBoat, snowyNight } from './night.ts'
import { type Painter, S } from './shapes.ts'

export { SCENE_SIZE } from './shapes.ts'
export { AVATARS }

/** Scene illustrations, keyed by the fixture file's base name. */
export const SCENES: Readonly<Record<string, Painter>> = {
  'scene-moonlit-forest': moonlitForest,
  'scene-seaside-sunset': seasideSunset,
  'scene-clockwork-city': clockworkCity,
  'scene-cloud-kingdom': cloudKingdom,
  'scene-meadow-morning': meadowMorning,
  'scene-snowy-night': snowyNight,
  'scene-mountain-lake': mountainLake,
  'scene-night-boat': nightBoat,
}

/** Paints a named fixture picture (a key of SCENES or AVATARS) as a SCENE_SIZE square canvas. */
export function paintFixture(name: string, seed = 7): Canvas {
  const painter = SCENES[name] ?? AVATARS[name]
  if (!painter) throw new Error(`unknown fixture picture ${name}`)
  const c = createCanvas(S, S)
  painter(c, mulberry32(seed))
  return c
}

export const FIXTURE_PICTURE_NAMES: readonly string[] = [...Object.keys(SCENES), ...Object.keys(AVATARS)]

export function renderFixturePng(name: string): Buffer {
  const canvas = paintFixture(name)
  return encodePng(canvas.width, canvas.height, canvas.data)
}
