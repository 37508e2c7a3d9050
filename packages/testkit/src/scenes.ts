import type { Canvas, Point, Rgb } from './paint.ts'
import {
  arc,
  blob,
  circle,
  createCanvas,
  ellipse,
  fillBelow,
  glow,
  hills,
  line,
  mix,
  polygon,
  rect,
  verticalGradient,
} from './paint.ts'
import { encodePng } from './png.ts'
import { mulberry32 } from './random.ts'

/** Every fixture picture is painted at this size (square, like the default illustration size). */
export const SCENE_SIZE = 512
const S = SCENE_SIZE

type Painter = (c: Canvas, rnd: () => number) => void

function stars(c: Canvas, rnd: () => number, count: number, maxY: number, color: Rgb = [255, 250, 225]): void {
  for (let i = 0; i < count; i++) {
    const x = rnd() * S
    const y = rnd() * maxY
    const r = 0.8 + rnd() * 1.6
    circle(c, x, y, r, color, 0.55 + rnd() * 0.45)
    if (r > 2) glow(c, x, y, r * 5, color, 0.25)
  }
}

function moon(c: Canvas, x: number, y: number, r: number): void {
  glow(c, x, y, r * 3.2, [255, 244, 200], 0.35)
  circle(c, x, y, r, [255, 246, 214])
  circle(c, x - r * 0.3, y - r * 0.2, r * 0.22, [236, 226, 196], 0.7)
  circle(c, x + r * 0.35, y + r * 0.3, r * 0.15, [236, 226, 196], 0.7)
  circle(c, x + r * 0.1, y - r * 0.45, r * 0.1, [236, 226, 196], 0.7)
}

function sun(c: Canvas, x: number, y: number, r: number, color: Rgb = [255, 226, 130]): void {
  glow(c, x, y, r * 3.5, color, 0.45)
  circle(c, x, y, r, color)
}

function pine(c: Canvas, x: number, base: number, h: number, color: Rgb, snow?: Rgb): void {
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

function roundTree(c: Canvas, x: number, base: number, h: number, leaves: Rgb): void {
  rect(c, x - h * 0.06, base - h * 0.45, h * 0.12, h * 0.45, [120, 84, 60])
  circle(c, x, base - h * 0.7, h * 0.32, leaves)
  circle(c, x - h * 0.18, base - h * 0.55, h * 0.22, leaves)
  circle(c, x + h * 0.2, base - h * 0.58, h * 0.22, leaves)
  circle(c, x - h * 0.08, base - h * 0.82, h * 0.14, mix(leaves, [255, 255, 255], 0.18))
}

function house(c: Canvas, x: number, base: number, w: number, h: number, wall: Rgb, roof: Rgb, lit = true): void {
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

function cloud(c: Canvas, x: number, y: number, s: number, color: Rgb, alpha = 1): void {
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

function gear(c: Canvas, x: number, y: number, r: number, teeth: number, color: Rgb, hole: Rgb, turn = 0): void {
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
function reflect(c: Canvas, horizon: number, water: Rgb, tint: number): void {
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

const moonlitForest: Painter = (c, rnd) => {
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

const seasideSunset: Painter = (c, rnd) => {
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

const clockworkCity: Painter = (c, rnd) => {
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

const cloudKingdom: Painter = (c) => {
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

const meadowMorning: Painter = (c, rnd) => {
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

const snowyNight: Painter = (c, rnd) => {
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

const mountainLake: Painter = (c, rnd) => {
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

const nightBoat: Painter = (c, rnd) => {
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
