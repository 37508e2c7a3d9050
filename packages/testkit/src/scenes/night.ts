// Night scenes: the moonlit forest, the snowy night and the night boat.
import { arc, circle, glow, hills, line, polygon, rect, verticalGradient } from '../paint.ts'
import { house, moon, type Painter, pine, S, stars } from './shapes.ts'

export const moonlitForest: Painter = (c, rnd) => {
  verticalGradient(c, [
    [0, [14, 18, 52]],
    [0.55, [50, 40, 108]],
    [1, [96, 72, 142]],
  ])
  stars(c, rnd, 90, 300)
  moon(c, 372, 112, 44)
  hills(c, 330, 22, 0.012, 1, [54, 52, 112])
  hills(c, 378, 18, 0.017, 3, [32, 58, 84])
  for (let x = 10; x < S; x += 34 + rnd() * 20) pine(c, x, 385 - rnd() * 20, 70 + rnd() * 40, [24, 46, 64])
  hills(c, 440, 14, 0.02, 5, [18, 34, 46])
  for (const x of [40, 130, 420, 480]) pine(c, x, 452, 120 + rnd() * 50, [12, 26, 36])
  for (let i = 0; i < 14; i++) glow(c, 60 + rnd() * 400, 330 + rnd() * 160, 10, [255, 236, 130], 0.9)
}

export const snowyNight: Painter = (c, rnd) => {
  verticalGradient(c, [
    [0, [18, 28, 70]],
    [1, [76, 96, 158]],
  ])
  stars(c, rnd, 80, 280)
  moon(c, 120, 100, 38)
  hills(c, 320, 26, 0.011, 0.5, [176, 192, 228])
  for (let x = 260; x < S; x += 36 + rnd() * 16)
    pine(c, x, 330 - rnd() * 12, 60 + rnd() * 30, [36, 74, 82], [230, 238, 252])
  hills(c, 400, 20, 0.015, 2.5, [214, 224, 246])
  house(c, 110, 404, 100, 76, [150, 96, 76], [236, 242, 252])
  rect(c, 180, 300, 14, 30, [110, 70, 60])
  for (const x of [30, 260, 470]) pine(c, x, 430, 130, [28, 60, 70], [240, 246, 255])
  hills(c, 470, 10, 0.02, 1, [236, 242, 255])
  for (let i = 0; i < 120; i++) circle(c, rnd() * S, rnd() * S, 1 + rnd() * 2.2, [255, 255, 255], 0.5 + rnd() * 0.5)
}

export const nightBoat: Painter = (c, rnd) => {
  const horizon = 320
  verticalGradient(
    c,
    [
      [0, [10, 30, 60]],
      [1, [40, 94, 120]],
    ],
    0,
    horizon,
  )
  stars(c, rnd, 110, 290)
  moon(c, 256, 130, 60)
  verticalGradient(
    c,
    [
      [0, [30, 80, 110]],
      [1, [10, 28, 52]],
    ],
    horizon,
    S,
  )
  for (let y = horizon + 6; y < S; y += 8) {
    const w = 80 + (y - horizon) * 0.3
    rect(c, 256 - w / 2 + (rnd() - 0.5) * 30, y, w * (0.4 + rnd() * 0.5), 2, [255, 244, 200], 0.45)
  }
  polygon(
    c,
    [
      [140, 380],
      [300, 380],
      [280, 408],
      [160, 408],
    ],
    [150, 90, 70],
  )
  line(c, 220, 380, 220, 260, 4, [90, 60, 50])
  polygon(
    c,
    [
      [224, 262],
      [224, 372],
      [292, 372],
    ],
    [250, 244, 230],
  )
  polygon(
    c,
    [
      [216, 280],
      [216, 372],
      [166, 372],
    ],
    [240, 220, 200],
  )
  glow(c, 180, 372, 24, [255, 210, 120], 0.8)
  circle(c, 180, 372, 4, [255, 230, 160])
  for (let i = 0; i < 4; i++)
    arc(c, 100 + i * 110, 440 + i * 14, 16, 2, Math.PI * 1.1, Math.PI * 1.9, [120, 170, 190], 0.6)
}
