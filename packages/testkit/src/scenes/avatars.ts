// Portrait fixtures, for avatar-style requests.
import type { Canvas, Rgb } from '../paint.ts'
import { arc, circle, ellipse, line, mix, rect, verticalGradient } from '../paint.ts'
import type { Painter } from './shapes.ts'

interface FaceStyle {
  background: readonly [Rgb, Rgb]
  skin: Rgb
  hair: Rgb
  shirt: Rgb
  curly?: boolean
}

function face(c: Canvas, style: FaceStyle): void {
  verticalGradient(c, [
    [0, style.background[0]],
    [1, style.background[1]],
  ])
  circle(c, 256, 256, 230, mix(style.background[0], [255, 255, 255], 0.35), 0.5)
  ellipse(c, 256, 540, 200, 160, style.shirt)
  rect(c, 226, 380, 60, 50, mix(style.skin, [0, 0, 0], 0.12))
  if (style.curly) {
    for (let i = 0; i < 16; i++) {
      const a = Math.PI * (0.95 + (i / 15) * 1.1)
      circle(c, 256 + Math.cos(a) * 150, 250 + Math.sin(a) * 150, 52, style.hair)
    }
  } else {
    ellipse(c, 256, 236, 170, 140, style.hair)
  }
  circle(c, 100, 280, 24, style.skin)
  circle(c, 412, 280, 24, style.skin)
  ellipse(c, 256, 280, 150, 158, style.skin)
  if (!style.curly) {
    ellipse(c, 200, 150, 110, 56, style.hair)
    ellipse(c, 320, 156, 96, 50, style.hair)
  }
  for (const x of [200, 312]) {
    circle(c, x, 268, 17, [52, 40, 44])
    circle(c, x - 6, 262, 6, [255, 255, 255])
    arc(c, x, 250, 26, 5, Math.PI * 1.25, Math.PI * 1.75, mix(style.hair, [0, 0, 0], 0.2))
  }
  circle(c, 170, 320, 24, [250, 130, 140], 0.35)
  circle(c, 342, 320, 24, [250, 130, 140], 0.35)
  ellipse(c, 256, 300, 10, 7, mix(style.skin, [120, 60, 50], 0.3))
  arc(c, 256, 318, 46, 9, Math.PI * 0.18, Math.PI * 0.82, [160, 70, 70])
}

const bear: Painter = (c) => {
  verticalGradient(c, [
    [0, [190, 226, 200]],
    [1, [120, 190, 170]],
  ])
  circle(c, 256, 256, 230, [220, 244, 226], 0.5)
  for (const x of [130, 382]) {
    circle(c, x, 140, 62, [150, 100, 70])
    circle(c, x, 140, 34, [226, 180, 150])
  }
  ellipse(c, 256, 290, 180, 168, [160, 110, 76])
  ellipse(c, 256, 350, 86, 66, [232, 200, 166])
  ellipse(c, 256, 322, 26, 18, [60, 40, 36])
  line(c, 256, 338, 256, 356, 5, [60, 40, 36])
  arc(c, 236, 356, 20, 6, Math.PI * 0.1, Math.PI * 0.9, [60, 40, 36])
  arc(c, 276, 356, 20, 6, Math.PI * 0.1, Math.PI * 0.9, [60, 40, 36])
  for (const x of [196, 316]) {
    circle(c, x, 256, 16, [40, 30, 30])
    circle(c, x - 5, 250, 5, [255, 255, 255])
  }
  circle(c, 160, 318, 22, [250, 130, 140], 0.35)
  circle(c, 352, 318, 22, [250, 130, 140], 0.35)
}

/** Friendly portrait fixtures (for avatar-style requests). */
export const AVATARS: Readonly<Record<string, Painter>> = {
  'avatar-sunny': (c) =>
    face(c, {
      background: [
        [255, 226, 140],
        [255, 186, 120],
      ],
      skin: [244, 200, 166],
      hair: [140, 84, 50],
      shirt: [90, 150, 220],
    }),
  'avatar-curly': (c) =>
    face(c, {
      background: [
        [150, 220, 220],
        [90, 170, 190],
      ],
      skin: [156, 104, 74],
      hair: [40, 30, 34],
      shirt: [240, 120, 110],
      curly: true,
    }),
  'avatar-bear': bear,
}
