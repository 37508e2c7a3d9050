// Make-believe places: the clockwork city and the cloud kingdom.
import type { Rgb } from '../paint.ts'
import { arc, circle, line, mix, polygon, rect, verticalGradient } from '../paint.ts'
import { cloud, gear, type Painter, S, stars, sun } from './shapes.ts'

export const clockworkCity: Painter = (c, rnd) => {
  verticalGradient(c, [
    [0, [42, 52, 104]],
    [0.6, [168, 112, 140]],
    [1, [236, 160, 112]],
  ])
  stars(c, rnd, 30, 150)
  gear(c, 90, 120, 60, 12, [92, 84, 130], [60, 62, 118], 0.2)
  gear(c, 430, 170, 46, 10, [120, 92, 132], [96, 76, 128], 0.5)
  const colors: Rgb[] = [
    [112, 84, 110],
    [92, 100, 140],
    [140, 98, 96],
    [104, 120, 126],
    [128, 104, 140],
  ]
  for (let x = -10, i = 0; x < S; x += 70 + rnd() * 20, i++) {
    const h = 120 + rnd() * 90
    const w = 60 + rnd() * 20
    rect(c, x, 460 - h, w, h, colors[i % colors.length]!)
    polygon(
      c,
      [
        [x - 4, 460 - h],
        [x + w / 2, 460 - h - 30],
        [x + w + 4, 460 - h],
      ],
      mix(colors[i % colors.length]!, [40, 30, 50], 0.4),
    )
    for (let wy = 470 - h; wy < 440; wy += 28)
      for (let wx = x + 10; wx < x + w - 14; wx += 22)
        rect(c, wx, wy, 10, 14, rnd() < 0.65 ? [255, 214, 128] : [70, 60, 90])
  }
  rect(c, 206, 150, 100, 330, [150, 112, 84])
  polygon(
    c,
    [
      [196, 152],
      [256, 76],
      [316, 152],
    ],
    [110, 70, 70],
  )
  circle(c, 256, 210, 44, [118, 86, 62])
  circle(c, 256, 210, 38, [252, 240, 206])
  for (let i = 0; i < 12; i++) {
    const a = (i / 12) * Math.PI * 2
    circle(c, 256 + Math.cos(a) * 31, 210 + Math.sin(a) * 31, 2.4, [90, 70, 60])
  }
  line(c, 256, 210, 256, 184, 5, [70, 52, 44])
  line(c, 256, 210, 276, 220, 4, [70, 52, 44])
  circle(c, 256, 210, 4, [200, 150, 70])
  rect(c, 236, 400, 40, 60, [90, 62, 50])
  rect(c, 0, 460, S, 52, [70, 56, 74])
  gear(c, 40, 490, 54, 12, [206, 160, 80], [70, 56, 74], 0.1)
  gear(c, 128, 500, 34, 9, [226, 186, 100], [70, 56, 74], 0.35)
  gear(c, 470, 486, 44, 11, [196, 140, 72], [70, 56, 74], 0.3)
}

export const cloudKingdom: Painter = (c) => {
  verticalGradient(c, [
    [0, [110, 172, 238]],
    [1, [214, 236, 255]],
  ])
  sun(c, 92, 88, 40, [255, 236, 150])
  const bands: Rgb[] = [
    [240, 110, 120],
    [250, 170, 100],
    [250, 230, 120],
    [130, 210, 140],
    [110, 170, 230],
    [160, 130, 220],
  ]
  for (const [i, col] of bands.entries()) arc(c, 256, 470, 300 - i * 16, 16, Math.PI, Math.PI * 2, col, 0.55)
  cloud(c, 120, 250, 50, [255, 255, 255], 0.85)
  cloud(c, 420, 140, 36, [255, 255, 255], 0.8)
  const castle: Rgb = [250, 244, 252]
  const roof: Rgb = [238, 148, 182]
  rect(c, 196, 270, 120, 110, castle)
  for (const [x, w, h] of [
    [176, 36, 150],
    [300, 36, 150],
    [238, 36, 190],
  ] as const) {
    rect(c, x, 380 - h, w, h, castle)
    polygon(
      c,
      [
        [x - 6, 380 - h],
        [x + w / 2, 380 - h - 46],
        [x + w + 6, 380 - h],
      ],
      roof,
    )
    rect(c, x + w / 2 - 5, 380 - h + 24, 10, 16, [150, 180, 230])
  }
  line(c, 256, 144, 256, 120, 2, [150, 120, 140])
  polygon(
    c,
    [
      [257, 120],
      [280, 126],
      [257, 132],
    ],
    [250, 210, 90],
  )
  arc(c, 256, 370, 18, 36, Math.PI, Math.PI * 2, [200, 170, 220])
  rect(c, 238, 360, 36, 20, [200, 170, 220])
  for (const [x, y, s] of [
    [60, 430, 70],
    [200, 420, 80],
    [340, 430, 78],
    [470, 420, 66],
    [130, 490, 80],
    [400, 495, 84],
  ] as const)
    cloud(c, x, y, s, [255, 255, 255])
  for (const [x, y, s] of [
    [150, 468, 40],
    [330, 470, 44],
  ] as const)
    cloud(c, x, y, s, [232, 238, 252], 0.7)
}
