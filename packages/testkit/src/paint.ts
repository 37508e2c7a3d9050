/** A tiny software rasteriser: just enough shapes to paint friendly fixture illustrations. */
export type Rgb = readonly [number, number, number]

export interface Canvas {
  width: number
  height: number
  data: Uint8Array
}

export type Point = readonly [number, number]

export function createCanvas(width: number, height: number, fill: Rgb = [0, 0, 0]): Canvas {
  const data = new Uint8Array(width * height * 4)
  for (let i = 0; i < data.length; i += 4) {
    data[i] = fill[0]
    data[i + 1] = fill[1]
    data[i + 2] = fill[2]
    data[i + 3] = 255
  }
  return { width, height, data }
}

export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]
}

export function blend(c: Canvas, x: number, y: number, color: Rgb, alpha: number): void {
  if (x < 0 || y < 0 || x >= c.width || y >= c.height || alpha <= 0) return
  const a = Math.min(1, alpha)
  const i = (y * c.width + x) * 4
  const d = c.data
  d[i] = Math.round(d[i]! + (color[0] - d[i]!) * a)
  d[i + 1] = Math.round(d[i + 1]! + (color[1] - d[i + 1]!) * a)
  d[i + 2] = Math.round(d[i + 2]! + (color[2] - d[i + 2]!) * a)
}

/** Vertical gradient between colour stops given as [position 0..1, colour], over rows y0..y1. */
export function verticalGradient(c: Canvas, stops: ReadonlyArray<readonly [number, Rgb]>, y0 = 0, y1 = c.height): void {
  for (let y = Math.max(0, Math.floor(y0)); y < Math.min(c.height, y1); y++) {
    const t = (y - y0) / Math.max(1, y1 - y0 - 1)
    let color = stops[0]![1]
    for (let s = 0; s < stops.length; s++) {
      const [p0, c0] = stops[s]!
      if (t < p0) break
      const next = stops[s + 1]
      color = next && t <= next[0] ? mix(c0, next[1], (t - p0) / Math.max(1e-6, next[0] - p0)) : c0
    }
    for (let x = 0; x < c.width; x++) blend(c, x, y, color, 1)
  }
}

/** Filled ellipse with a one-pixel anti-aliased edge. */
export function ellipse(c: Canvas, cx: number, cy: number, rx: number, ry: number, color: Rgb, alpha = 1): void {
  const x0 = Math.floor(cx - rx - 1)
  const x1 = Math.ceil(cx + rx + 1)
  const y0 = Math.floor(cy - ry - 1)
  const y1 = Math.ceil(cy + ry + 1)
  const r = Math.min(rx, ry)
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const dx = (x + 0.5 - cx) / rx
      const dy = (y + 0.5 - cy) / ry
      const dist = (Math.sqrt(dx * dx + dy * dy) - 1) * r
      if (dist < 0.5) blend(c, x, y, color, alpha * Math.min(1, 0.5 - dist))
    }
  }
}

export function circle(c: Canvas, cx: number, cy: number, r: number, color: Rgb, alpha = 1): void {
  ellipse(c, cx, cy, r, r, color, alpha)
}

/** Soft radial glow, strongest at the centre and fading to nothing at radius r. */
export function glow(c: Canvas, cx: number, cy: number, r: number, color: Rgb, strength = 0.5): void {
  for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) {
    for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) {
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy) / r
      if (d < 1) blend(c, x, y, color, strength * (1 - d) * (1 - d))
    }
  }
}

/**
 * Stroked circular arc (angles in radians, 0 = +x, clockwise because y points down),
 * with anti-aliased inner and outer edges.
 */
export function arc(
  c: Canvas,
  cx: number,
  cy: number,
  r: number,
  width: number,
  from: number,
  to: number,
  color: Rgb,
  alpha = 1,
): void {
  const outer = r + width / 2
  for (let y = Math.floor(cy - outer - 1); y <= Math.ceil(cy + outer + 1); y++) {
    for (let x = Math.floor(cx - outer - 1); x <= Math.ceil(cx + outer + 1); x++) {
      const px = x + 0.5 - cx
      const py = y + 0.5 - cy
      let angle = Math.atan2(py, px)
      while (angle < from) angle += Math.PI * 2
      while (angle > from + Math.PI * 2) angle -= Math.PI * 2
      if (angle > to) continue
      const edge = width / 2 - Math.abs(Math.hypot(px, py) - r)
      if (edge > -0.5) blend(c, x, y, color, alpha * Math.min(1, edge + 0.5))
    }
  }
}

export function rect(c: Canvas, x: number, y: number, w: number, h: number, color: Rgb, alpha = 1): void {
  for (let yy = Math.max(0, Math.round(y)); yy < Math.min(c.height, Math.round(y + h)); yy++) {
    for (let xx = Math.max(0, Math.round(x)); xx < Math.min(c.width, Math.round(x + w)); xx++)
      blend(c, xx, yy, color, alpha)
  }
}

function inside(points: ReadonlyArray<Point>, x: number, y: number): boolean {
  let hit = false
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i]!
    const [xj, yj] = points[j]!
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit
  }
  return hit
}

/** Filled polygon, 4x supersampled so roofs and tree edges are not jagged. */
export function polygon(c: Canvas, points: ReadonlyArray<Point>, color: Rgb, alpha = 1): void {
  const xs = points.map((p) => p[0])
  const ys = points.map((p) => p[1])
  const offsets = [0.25, 0.75]
  for (let y = Math.floor(Math.min(...ys)); y <= Math.ceil(Math.max(...ys)); y++) {
    for (let x = Math.floor(Math.min(...xs)); x <= Math.ceil(Math.max(...xs)); x++) {
      let hits = 0
      for (const oy of offsets) for (const ox of offsets) if (inside(points, x + ox, y + oy)) hits++
      if (hits) blend(c, x, y, color, (alpha * hits) / 4)
    }
  }
}

/** Fills everything below the curve y = f(x), anti-aliased along the curve. */
export function fillBelow(c: Canvas, f: (x: number) => number, color: Rgb, alpha = 1): void {
  for (let x = 0; x < c.width; x++) {
    const top = f(x + 0.5)
    for (let y = Math.max(0, Math.floor(top)); y < c.height; y++) {
      blend(c, x, y, color, alpha * Math.min(1, y + 1 - top))
    }
  }
}

/** Rolling hills as a sum of two sines. */
export function hills(c: Canvas, baseY: number, amplitude: number, frequency: number, phase: number, color: Rgb): void {
  fillBelow(
    c,
    (x) =>
      baseY - amplitude * (Math.sin(x * frequency + phase) * 0.7 + Math.sin(x * frequency * 2.3 + phase * 1.7) * 0.3),
    color,
  )
}

/** Thick straight segment with rounded caps. */
export function line(
  c: Canvas,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  width: number,
  color: Rgb,
  alpha = 1,
): void {
  const len = Math.hypot(x1 - x0, y1 - y0) || 1
  const nx = (-(y1 - y0) / len) * (width / 2)
  const ny = ((x1 - x0) / len) * (width / 2)
  polygon(
    c,
    [
      [x0 + nx, y0 + ny],
      [x1 + nx, y1 + ny],
      [x1 - nx, y1 - ny],
      [x0 - nx, y0 - ny],
    ],
    color,
    alpha,
  )
  circle(c, x0, y0, width / 2, color, alpha)
  circle(c, x1, y1, width / 2, color, alpha)
}

/** Union of circles painted in one pass, so translucent shapes (clouds) show no overlap seams. */
export function blob(
  c: Canvas,
  circles: ReadonlyArray<readonly [number, number, number]>,
  color: Rgb,
  alpha = 1,
): void {
  const x0 = Math.floor(Math.min(...circles.map(([x, , r]) => x - r)) - 1)
  const x1 = Math.ceil(Math.max(...circles.map(([x, , r]) => x + r)) + 1)
  const y0 = Math.floor(Math.min(...circles.map(([, y, r]) => y - r)) - 1)
  const y1 = Math.ceil(Math.max(...circles.map(([, y, r]) => y + r)) + 1)
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      let cover = 0
      for (const [cx, cy, r] of circles)
        cover = Math.max(cover, Math.min(1, 0.5 + r - Math.hypot(x + 0.5 - cx, y + 0.5 - cy)))
      if (cover > 0) blend(c, x, y, color, alpha * cover)
    }
  }
}
