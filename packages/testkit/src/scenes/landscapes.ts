// Daylight and sunset landscapes: the seaside sunset, the meadow morning and the mountain lake.
import type { Rgb } from '../paint.ts'
import { arc, circle, ellipse, fillBelow, glow, hills, line, polygon, rect, verticalGradient } from '../paint.ts'
import { cloud, house, type Painter, pine, reflect, roundTree, S, sun } from './shapes.ts'

export const seasideSunset: Painter = (c, rnd) => {
  verticalGradient(
    c,
    [
      [0, [86, 70, 148]],
      [0.4, [232, 128, 150]],
      [0.64, [255, 192, 124]],
    ],
    0,
    330,
  )
  sun(c, 200, 330, 62, [255, 214, 130])
  for (const [x, y, s] of [
    [90, 110, 40],
    [360, 80, 55],
    [440, 190, 35],
  ] as const)
    cloud(c, x, y, s, [255, 200, 214], 0.55)
  verticalGradient(
    c,
    [
      [0, [226, 128, 140]],
      [0.25, [84, 96, 168]],
      [1, [34, 52, 112]],
    ],
    330,
    S,
  )
  for (let y = 336; y < 470; y += 7) {
    const w = 120 - (y - 330) * 0.4 + rnd() * 30
    rect(c, 200 - w / 2 + (rnd() - 0.5) * 20, y, w, 2, [255, 220, 150], 0.5)
  }
  fillBelow(c, (x) => 440 + Math.sin(x * 0.015) * 10 + x * 0.05, [242, 212, 164])
  ellipse(c, 420, 352, 70, 28, [60, 52, 80])
  polygon(
    c,
    [
      [398, 350],
      [442, 350],
      [432, 200],
      [408, 200],
    ],
    [246, 244, 240],
  )
  for (const y of [230, 280, 322])
    polygon(
      c,
      [
        [400 + (350 - y) * 0.02, y],
        [440 - (350 - y) * 0.02, y],
        [440 - (350 - y - 18) * 0.02, y + 18],
        [400 + (350 - y - 18) * 0.02, y + 18],
      ],
      [214, 72, 72],
    )
  rect(c, 404, 178, 32, 22, [255, 236, 160])
  polygon(
    c,
    [
      [398, 178],
      [442, 178],
      [420, 156],
    ],
    [200, 64, 64],
  )
  polygon(
    c,
    [
      [420, 189],
      [250, 140],
      [250, 220],
    ],
    [255, 240, 180],
    0.18,
  )
  glow(c, 420, 189, 50, [255, 236, 160], 0.6)
  for (let i = 0; i < 5; i++) arc(c, 60 + i * 70, 500 + (i % 2) * 6, 8, 3, Math.PI, Math.PI * 2, [250, 160, 170])
}

export const meadowMorning: Painter = (c, rnd) => {
  verticalGradient(c, [
    [0, [140, 204, 246]],
    [1, [252, 240, 210]],
  ])
  sun(c, 400, 100, 46)
  cloud(c, 140, 90, 36, [255, 255, 255], 0.9)
  cloud(c, 300, 150, 26, [255, 255, 255], 0.8)
  hills(c, 330, 24, 0.01, 2, [150, 200, 130])
  roundTree(c, 90, 330, 90, [96, 170, 100])
  hills(c, 390, 20, 0.014, 4, [112, 182, 104])
  house(c, 300, 392, 90, 70, [250, 236, 210], [214, 92, 80], false)
  roundTree(c, 440, 400, 120, [70, 150, 86])
  hills(c, 450, 12, 0.02, 1, [88, 160, 90])
  const petals: Rgb[] = [
    [255, 120, 150],
    [255, 220, 90],
    [255, 255, 255],
    [190, 140, 250],
  ]
  for (let i = 0; i < 60; i++) {
    const x = rnd() * S
    const y = 460 + rnd() * 50
    circle(c, x, y, 3 + rnd() * 2, petals[i % petals.length]!)
    circle(c, x, y, 1.4, [255, 200, 60])
  }
  for (let i = 0; i < 3; i++)
    arc(c, 160 + i * 26, 200 + (i % 2) * 12, 6, 2, Math.PI * 1.1, Math.PI * 1.9, [80, 80, 110])
}

export const mountainLake: Painter = (c, rnd) => {
  const horizon = 310
  verticalGradient(
    c,
    [
      [0, [120, 140, 210]],
      [0.7, [250, 190, 180]],
      [1, [255, 222, 180]],
    ],
    0,
    horizon,
  )
  sun(c, 300, 250, 30, [255, 240, 200])
  const peaks: ReadonlyArray<readonly [number, number, number, Rgb]> = [
    [90, 130, 170, [110, 110, 160]],
    [250, 90, 200, [96, 98, 150]],
    [420, 140, 160, [120, 116, 166]],
  ]
  for (const [x, top, half, col] of peaks) {
    polygon(
      c,
      [
        [x, top],
        [x + half, horizon],
        [x - half, horizon],
      ],
      col,
    )
    polygon(
      c,
      [
        [x, top],
        [x + half * 0.25, top + (horizon - top) * 0.25],
        [x + half * 0.08, top + (horizon - top) * 0.2],
        [x - half * 0.1, top + (horizon - top) * 0.27],
        [x - half * 0.25, top + (horizon - top) * 0.25],
      ],
      [248, 244, 250],
    )
  }
  hills(c, 300, 8, 0.03, 1, [60, 96, 96])
  for (let x = 0; x < S; x += 14 + rnd() * 10) pine(c, x, horizon, 26 + rnd() * 20, [40, 74, 76])
  reflect(c, horizon, [70, 110, 160], 0.35)
  for (let i = 0; i < 18; i++) rect(c, rnd() * S, horizon + 10 + rnd() * 180, 20 + rnd() * 40, 2, [255, 255, 255], 0.25)
  fillBelow(c, (x) => 470 + Math.sin(x * 0.02) * 8, [70, 120, 80])
  for (let i = 0; i < 40; i++) {
    const x = rnd() * S
    line(c, x, 492, x + (rnd() - 0.5) * 10, 462 + rnd() * 16, 2, [96, 156, 96])
  }
}
