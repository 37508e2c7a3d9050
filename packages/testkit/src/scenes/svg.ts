// The SVG building blocks the fixture scenes are drawn from (sky, stars, moon, clouds, trees,
// houses, gears, hills). Coordinates are in a SCENE_SIZE square; every number is rounded to one
// decimal, so the same seed writes the same document and sharp renders the same pixels.

/** Every fixture picture is drawn at this size (square, like the default illustration size). */
export const SCENE_SIZE = 1024
/** Short for SCENE_SIZE in the scenes' coordinates. */
export const S = SCENE_SIZE

export type Rnd = () => number
/** A scene or portrait: an SVG document drawn from a seeded random source. */
export type Scene = (rnd: Rnd) => string

export const n = (v: number): string => String(Math.round(v * 10) / 10)
const pts = (points: ReadonlyArray<readonly [number, number]>): string =>
  points.map(([x, y]) => `${n(x)},${n(y)}`).join(' ')

/** A whole document: the scene's own gradients (gradients.ts) in `defs`, the shared soft blurs always there. */
export function svgDocument(defs: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${S}" height="${S}" viewBox="0 0 ${S} ${S}">` +
    `<defs>${blur('soft', 6)}${blur('softer', 18)}${blur('haze', 40)}${defs}</defs>${body}</svg>`
  )
}

function blur(id: string, deviation: number): string {
  return `<filter id="${id}" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="${deviation}"/></filter>`
}

export function glow(x: number, y: number, r: number, gradientId: string): string {
  return `<circle cx="${n(x)}" cy="${n(y)}" r="${n(r)}" fill="url(#${gradientId})"/>`
}

export function sky(gradientId: string): string {
  return `<rect width="${S}" height="${S}" fill="url(#${gradientId})"/>`
}

export function circle(x: number, y: number, r: number, fill: string, extra = ''): string {
  return `<circle cx="${n(x)}" cy="${n(y)}" r="${n(r)}" fill="${fill}"${extra}/>`
}

export function ellipse(x: number, y: number, rx: number, ry: number, fill: string, extra = ''): string {
  return `<ellipse cx="${n(x)}" cy="${n(y)}" rx="${n(rx)}" ry="${n(ry)}" fill="${fill}"${extra}/>`
}

export function rect(x: number, y: number, w: number, h: number, fill: string, radius = 0, extra = ''): string {
  const r = radius ? ` rx="${n(radius)}"` : ''
  return `<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}"${r} fill="${fill}"${extra}/>`
}

/** A polygon with softly rounded corners (a stroke of its own colour, joined round). */
export function polygon(points: ReadonlyArray<readonly [number, number]>, fill: string, round = 6): string {
  return `<polygon points="${pts(points)}" fill="${fill}" stroke="${fill}" stroke-width="${round}" stroke-linejoin="round"/>`
}

/** A four-pointed twinkle. */
export function sparkle(x: number, y: number, r: number, fill: string, opacity = 1): string {
  const q = (dx: number, dy: number) => `Q${n(x)},${n(y)} ${n(x + dx)},${n(y + dy)}`
  return `<path d="M${n(x)},${n(y - r)} ${q(r, 0)} ${q(0, r)} ${q(-r, 0)} ${q(0, -r)}Z" fill="${fill}" opacity="${opacity}"/>`
}

/** A five-pointed star with rounded tips. */
export function star(x: number, y: number, r: number, fill: string): string {
  const points: Array<[number, number]> = []
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / 5
    const rr = i % 2 === 0 ? r : r * 0.48
    points.push([x + Math.cos(a) * rr, y + Math.sin(a) * rr])
  }
  return polygon(points, fill, r * 0.18)
}

/** A sky's worth of stars above maxY: dots of varied size and brightness, a few of them twinkles. */
export function stars(rnd: Rnd, count: number, maxY: number, color = '#fff8e1'): string {
  let out = ''
  for (let i = 0; i < count; i++) {
    const x = rnd() * S
    const y = rnd() * maxY
    const size = rnd()
    const opacity = n(0.45 + rnd() * 0.55)
    // A sparkle kept clear of the edges: one cut by the frame or its rounded corners reads as a notch.
    const r = 9 + size * 6
    const inside = (v: number) => Math.min(Math.max(v, r + 32), S - r - 32)
    out +=
      size > 0.93
        ? sparkle(inside(x), inside(y), r, color, 0.95)
        : circle(x, y, 1.4 + size * 2.4, color, ` opacity="${opacity}"`)
  }
  return out
}

/** A moon with a halo and soft craters; needs a moonGlow glow in the defs (its scene's palette). */
export function moon(x: number, y: number, r: number): string {
  return (
    glow(x, y, r * 3.4, 'moonGlow') +
    circle(x, y, r, '#fff6d8') +
    circle(x - r * 0.32, y - r * 0.18, r * 0.2, '#efe3bd', ' opacity="0.8"') +
    circle(x + r * 0.36, y + r * 0.3, r * 0.14, '#efe3bd', ' opacity="0.8"') +
    circle(x + r * 0.08, y - r * 0.48, r * 0.09, '#efe3bd', ' opacity="0.8"') +
    circle(x - r * 0.05, y + r * 0.45, r * 0.07, '#efe3bd', ' opacity="0.8"')
  )
}

/** A sun with a halo; needs a sunGlow glow in the defs (its scene's palette). */
export function sun(x: number, y: number, r: number, fill = '#ffe07a'): string {
  return glow(x, y, r * 3.2, 'sunGlow') + circle(x, y, r, fill)
}

/** A puffy cloud: overlapping circles on a flat base, in one group so translucency shows no seams. */
export function cloud(x: number, y: number, s: number, fill: string, opacity = 1, shade?: string): string {
  const puffs: ReadonlyArray<readonly [number, number, number]> = [
    [-0.95, 0.12, 0.42],
    [-0.42, -0.22, 0.58],
    [0.25, -0.36, 0.62],
    [0.82, -0.02, 0.48],
    [0.1, 0.16, 0.55],
  ]
  const body = puffs.map(([dx, dy, r]) => circle(x + dx * s, y + dy * s, r * s, fill)).join('')
  const base = rect(x - 1.3 * s, y, 2.6 * s, 0.5 * s, fill, 0.25 * s)
  const under = shade ? ellipse(x, y + 0.42 * s, 1.15 * s, 0.14 * s, shade, ' opacity="0.55" filter="url(#soft)"') : ''
  return `<g opacity="${opacity}">${body}${base}${under}</g>`
}

/** A pine of three tiers; snow caps each tier when `snow` is given. */
export function pine(x: number, base: number, h: number, fill: string, snow?: string): string {
  let out = rect(x - h * 0.045, base - h * 0.16, h * 0.09, h * 0.16, '#4a3128', h * 0.02)
  for (let i = 0; i < 3; i++) {
    const top = base - h + i * h * 0.22
    const bottom = base - h * 0.12 - (2 - i) * h * 0.2
    const half = h * (0.17 + i * 0.085)
    out += polygon(
      [
        [x, top],
        [x + half, bottom],
        [x - half, bottom],
      ],
      fill,
      h * 0.03,
    )
    if (snow) {
      const t = (bottom - top) * 0.38
      out += polygon(
        [
          [x, top],
          [x + half * 0.38, top + t],
          [x + half * 0.12, top + t * 0.85],
          [x - half * 0.1, top + t * 1.05],
          [x - half * 0.38, top + t],
        ],
        snow,
        h * 0.02,
      )
    }
  }
  return out
}

/** A round, leafy tree with a lighter crown. */
export function roundTree(x: number, base: number, h: number, leaves: string, light: string): string {
  return (
    rect(x - h * 0.055, base - h * 0.5, h * 0.11, h * 0.5, '#8a5e42', h * 0.04) +
    circle(x - h * 0.2, base - h * 0.56, h * 0.22, leaves) +
    circle(x + h * 0.21, base - h * 0.58, h * 0.22, leaves) +
    circle(x, base - h * 0.72, h * 0.31, leaves) +
    circle(x - h * 0.09, base - h * 0.84, h * 0.13, light, ' opacity="0.7"')
  )
}

/** A cottage: wall, roof, a window (warm when lit) and a door. */
export function house(x: number, base: number, w: number, h: number, wall: string, roof: string, lit = true): string {
  const win = lit ? '#ffdf8e' : '#b9d6ee'
  return (
    (lit ? glow(x + w * 0.3, base - h * 0.56, w * 0.55, 'windowGlow') : '') +
    rect(x, base - h, w, h, wall, w * 0.03) +
    polygon(
      [
        [x - w * 0.12, base - h + 4],
        [x + w / 2, base - h - w * 0.5],
        [x + w * 1.12, base - h + 4],
      ],
      roof,
      w * 0.06,
    ) +
    rect(x + w * 0.16, base - h * 0.72, w * 0.28, w * 0.26, win, w * 0.03) +
    rect(x + w * 0.29, base - h * 0.72, w * 0.02, w * 0.26, wall) +
    rect(x + w * 0.6, base - h * 0.5, w * 0.26, h * 0.5, '#8d5a4a', w * 0.1) +
    circle(x + w * 0.81, base - h * 0.25, w * 0.02, '#f3c77b')
  )
}

/** A gear with trapezoid teeth and a hole, as one even-odd path. */
export function gear(x: number, y: number, r: number, teeth: number, fill: string, turn = 0, extra = ''): string {
  const points: Array<[number, number]> = []
  const step = (Math.PI * 2) / teeth
  for (let i = 0; i < teeth; i++) {
    const a = turn + i * step
    for (const [da, rr] of [
      [0, r],
      [step * 0.12, r * 1.2],
      [step * 0.42, r * 1.2],
      [step * 0.54, r],
    ] as const)
      points.push([x + Math.cos(a + da) * rr, y + Math.sin(a + da) * rr])
  }
  const hole = r * 0.3
  const ring = `M${n(x + hole)},${n(y)}A${n(hole)},${n(hole)} 0 1,0 ${n(x - hole)},${n(y)}A${n(hole)},${n(hole)} 0 1,0 ${n(x + hole)},${n(y)}Z`
  return `<path d="M${pts(points).replace(/ /g, 'L')}Z${ring}" fill="${fill}" fill-rule="evenodd" stroke="${fill}" stroke-width="${n(r * 0.06)}" stroke-linejoin="round"${extra}/>`
}

/**
 * A rolling hill from the left edge to the right, filled down to the bottom: `bumps` waves of
 * `amplitude` around `y`, drawn as a smooth curve.
 */
export function hill(y: number, amplitude: number, bumps: number, phase: number, fill: string, extra = ''): string {
  const steps = bumps * 4
  const points: Array<[number, number]> = []
  for (let i = 0; i <= steps; i++) {
    const x = (i / steps) * (S + 80) - 40
    points.push([x, y - Math.sin(phase + (i / steps) * bumps * Math.PI * 2) * amplitude])
  }
  return `<path d="${smooth(points)}L${S + 40},${S + 10}L-40,${S + 10}Z" fill="${fill}"${extra}/>`
}

/** A smooth curve through the points (Catmull-Rom, as cubic Béziers). */
export function smooth(points: ReadonlyArray<readonly [number, number]>): string {
  let d = `M${n(points[0]![0])},${n(points[0]![1])}`
  for (let i = 0; i < points.length - 1; i++) {
    const p0 = points[Math.max(0, i - 1)]!
    const p1 = points[i]!
    const p2 = points[i + 1]!
    const p3 = points[Math.min(points.length - 1, i + 2)]!
    const c1 = [p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6]
    const c2 = [p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6]
    d += `C${n(c1[0]!)},${n(c1[1]!)} ${n(c2[0]!)},${n(c2[1]!)} ${n(p2[0])},${n(p2[1])}`
  }
  return d
}

/** A small gliding bird, as two arcs. */
export function bird(x: number, y: number, s: number, stroke: string): string {
  return `<path d="M${n(x - s)},${n(y)}Q${n(x - s / 2)},${n(y - s * 0.6)} ${n(x)},${n(y)}Q${n(x + s / 2)},${n(y - s * 0.6)} ${n(x + s)},${n(y)}" fill="none" stroke="${stroke}" stroke-width="${n(s * 0.18)}" stroke-linecap="round"/>`
}

/** Gentle horizontal strokes on water: reflections and ripples. */
export function ripples(
  rnd: Rnd,
  count: number,
  top: number,
  bottom: number,
  x: number,
  spread: number,
  stroke: string,
  width = 4,
): string {
  let out = ''
  for (let i = 0; i < count; i++) {
    const t = i / Math.max(1, count - 1)
    const y = top + t * (bottom - top)
    const half = spread * (0.35 + t * 0.65) * (0.6 + rnd() * 0.4)
    const cx = x + (rnd() - 0.5) * spread * 0.3
    out += `<line x1="${n(cx - half)}" y1="${n(y)}" x2="${n(cx + half)}" y2="${n(y)}" stroke="${stroke}" stroke-width="${width}" stroke-linecap="round" opacity="${n(0.35 + rnd() * 0.5)}"/>`
  }
  return out
}
