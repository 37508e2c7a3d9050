// The canvas size and the shapes the scenes are built from (stars, trees, houses, clouds, gears, …).
import type { Canvas, Point, Rgb } from '../paint.ts'
import { blob, circle, glow, mix, polygon, rect } from '../paint.ts'

/** Every fixture picture is painted at this size (square, like the default illustration size). */
export const SCENE_SIZE = 512
/** Short for SCENE_SIZE in the painters' coordinates. */
export const S = SCENE_SIZE

export type Painter = (c: Canvas, rnd: () => number) => void

export function stars(c: Canvas, rnd: () => number, count: number, maxY: number, color: Rgb = [255, 250, 225]): void {
  for (let i = 0; i < count; i++) {
    const x = rnd() * S
    const y = rnd() * maxY
    const r = 0.8 + rnd() * 1.6
    circle(c, x, y, r, color, 0.55 + rnd() * 0.45)
    if (r > 2) glow(c, x, y, r * 5, color, 0.25)
  }
}

export function moon(c: Canvas, x: number, y: number, r: number): void {
  glow(c, x, y, r * 3.2, [255, 244, 200], 0.35)
  circle(c, x, y, r, [255, 246, 214])
  circle(c, x - r * 0.3, y - r * 0.2, r * 0.22, [236, 226, 196], 0.7)
  circle(c, x + r * 0.35, y + r * 0.3, r * 0.15, [236, 226, 196], 0.7)
  circle(c, x + r * 0.1, y - r * 0.45, r * 0.1, [236, 226, 196], 0.7)
}

export function sun(c: Canvas, x: number, y: number, r: number, color: Rgb = [255, 226, 130]): void {
  glow(c, x, y, r * 3.5, color, 0.45)
  circle(c, x, y, r, color)
}

export function pine(c: Canvas, x: number, base: number, h: number, color: Rgb, snow?: Rgb): void {
  rect(c, x - h * 0.04, base - h * 0.15, h * 0.08, h * 0.15, mix(color, [40, 25, 20], 0.5))
  for (let i = 0; i < 3; i++) {
    const top = base - h + i * h * 0.22
    const bottom = base - h * 0.1 - (2 - i) * h * 0.18
    const half = h * (0.18 + i * 0.08)
    polygon(
      c,
      [
        [x, top],
        [x + half, bottom],
        [x - half, bottom],
      ],
      color,
    )
    if (snow)
      polygon(
        c,
        [
          [x, top],
          [x + half * 0.35, top + (bottom - top) * 0.35],
          [x - half * 0.35, top + (bottom - top) * 0.35],
        ],
        snow,
      )
  }
}

export function roundTree(c: Canvas, x: number, base: number, h: number, leaves: Rgb): void {
  rect(c, x - h * 0.06, base - h * 0.45, h * 0.12, h * 0.45, [120, 84, 60])
  circle(c, x, base - h * 0.7, h * 0.32, leaves)
  circle(c, x - h * 0.18, base - h * 0.55, h * 0.22, leaves)
  circle(c, x + h * 0.2, base - h * 0.58, h * 0.22, leaves)
  circle(c, x - h * 0.08, base - h * 0.82, h * 0.14, mix(leaves, [255, 255, 255], 0.18))
}

export function house(
  c: Canvas,
  x: number,
  base: number,
  w: number,
  h: number,
  wall: Rgb,
  roof: Rgb,
  lit = true,
): void {
  rect(c, x, base - h, w, h, wall)
  polygon(
    c,
    [
      [x - w * 0.1, base - h],
      [x + w / 2, base - h - w * 0.55],
      [x + w * 1.1, base - h],
    ],
    roof,
  )
  const win: Rgb = lit ? [255, 222, 140] : [170, 200, 230]
  rect(c, x + w * 0.15, base - h * 0.7, w * 0.25, w * 0.22, win)
  rect(c, x + w * 0.6, base - h * 0.45, w * 0.25, h * 0.45, mix(wall, [90, 60, 50], 0.55))
  if (lit) glow(c, x + w * 0.275, base - h * 0.7 + w * 0.11, w * 0.5, [255, 210, 120], 0.25)
}

export function cloud(c: Canvas, x: number, y: number, s: number, color: Rgb, alpha = 1): void {
  const puffs: ReadonlyArray<readonly [number, number, number]> = [
    [-0.9, 0.1, 0.45],
    [-0.35, -0.25, 0.6],
    [0.3, -0.3, 0.55],
    [0.85, 0.05, 0.45],
    [0, 0.15, 0.55],
  ]
  blob(
    c,
    puffs.map(([dx, dy, r]) => [x + dx * s, y + dy * s, r * s] as const),
    color,
    alpha,
  )
}

export function gear(c: Canvas, x: number, y: number, r: number, teeth: number, color: Rgb, hole: Rgb, turn = 0): void {
  const pts: Point[] = []
  for (let i = 0; i < teeth; i++) {
    const a = turn + (i / teeth) * Math.PI * 2
    const step = (Math.PI * 2) / teeth
    for (const [da, rr] of [
      [0, r],
      [step * 0.15, r * 1.18],
      [step * 0.45, r * 1.18],
      [step * 0.6, r],
    ] as const) {
      pts.push([x + Math.cos(a + da) * rr, y + Math.sin(a + da) * rr])
    }
  }
  polygon(c, pts, color)
  circle(c, x, y, r * 0.55, mix(color, [255, 255, 255], 0.15))
  circle(c, x, y, r * 0.22, hole)
}

/** Mirrors the rows above `horizon` into the water below it, tinted. */
export function reflect(c: Canvas, horizon: number, water: Rgb, tint: number): void {
  const d = c.data
  for (let y = horizon; y < S; y++) {
    const src = 2 * horizon - y
    if (src < 0) break
    for (let x = 0; x < S; x++) {
      const wobble = Math.round(Math.sin(y * 0.45) * 1.5)
      const si = (src * S + Math.min(S - 1, Math.max(0, x + wobble))) * 4
      const di = (y * S + x) * 4
      for (let k = 0; k < 3; k++) d[di + k] = Math.round(d[si + k]! * (1 - tint) + water[k]! * tint)
    }
  }
}
