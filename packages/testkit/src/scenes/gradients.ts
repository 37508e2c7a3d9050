// The gradients a picture fills its shapes with, written into its SVG `defs`: linear ones, radial
// ones and glows, and a scene's whole set from its palette (palettes.json).

/**
 * A gradient's stops as one line, "colour offset [opacity], …", the way a CSS gradient lists them:
 * '#171a45 0, #6b5a9e 0.78' or, fading out, '#fff2c4 0 0.55, #fff2c4 1 0'.
 */
export type Stops = string

const stopTags = (stops: Stops): string =>
  stops
    .split(',')
    .map((stop) => {
      const [color, offset, opacity = '1'] = stop.trim().split(/\s+/)
      const alpha = Number(opacity) === 1 ? '' : ` stop-opacity="${Number(opacity)}"`
      return `<stop offset="${Number(offset)}" stop-color="${color}"${alpha}/>`
    })
    .join('')

/** A top-to-bottom gradient (or along the given vector x1, y1, x2, y2, in fractions of the shape). */
export function linear(id: string, stops: Stops, vector: readonly number[] = [0, 0, 0, 1]): string {
  const [x1, y1, x2, y2] = vector
  return `<linearGradient id="${id}" x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}">${stopTags(stops)}</linearGradient>`
}

export function radial(id: string, stops: Stops, [cx, cy, r] = [0.5, 0.5, 0.5]): string {
  return `<radialGradient id="${id}" cx="${cx}" cy="${cy}" r="${r}">${stopTags(stops)}</radialGradient>`
}

/** A colour fading out from the centre: the glow of a moon, a window, a firefly. */
export function glowGradient(id: string, color: string, strength = 0.6): string {
  return radial(id, `${color} 0 ${strength}, ${color} 0.35 ${strength * 0.45}, ${color} 1 0`)
}

/**
 * A scene's colours, apart from its geometry: its gradients by id. A linear gradient is its stops
 * (top to bottom) or its stops along a vector; a glow is a colour and its strength at the centre.
 */
export interface Palette {
  linear: Readonly<Record<string, Stops | { stops: Stops; vector: readonly number[] }>>
  glow: Readonly<Record<string, { color: string; strength: number }>>
}

/** The palette's gradients for `defs`, in the palette's order: the linear ones, then the glows. */
export function gradients(palette: Palette): string {
  const linears = Object.entries(palette.linear).map(([id, gradient]) =>
    typeof gradient === 'string' ? linear(id, gradient) : linear(id, gradient.stops, gradient.vector),
  )
  const glows = Object.entries(palette.glow).map(([id, { color, strength }]) => glowGradient(id, color, strength))
  return [...linears, ...glows].join('')
}
