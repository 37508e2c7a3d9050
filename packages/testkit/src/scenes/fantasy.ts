// The fantasy scenes: a clockwork city at dusk, a cloud kingdom under a rainbow.
import { gradients } from './gradients.ts'
import palettes from './palettes.json' with { type: 'json' }
import {
  circle,
  cloud,
  gear,
  n,
  polygon,
  type Rnd,
  rect,
  type Scene,
  sky,
  sparkle,
  stars,
  sun,
  svgDocument,
} from './svg.ts'

function building(rnd: Rnd, x: number, w: number, h: number, wall: string, roof: string): string {
  const base = 900
  let out = rect(x, base - h, w, h, wall, 6)
  out += polygon(
    [
      [x - 8, base - h + 2],
      [x + w / 2, base - h - w * 0.45],
      [x + w + 8, base - h + 2],
    ],
    roof,
    8,
  )
  const cols = Math.max(2, Math.floor(w / 34))
  for (let row = 0; (row + 1) * 46 < h - 30; row++)
    for (let col = 0; col < cols; col++) {
      const lit = rnd() > 0.3
      const wx = x + 12 + col * ((w - 24) / cols)
      out += rect(wx, base - h + 24 + row * 46, (w - 24) / cols - 10, 26, lit ? '#ffd98a' : '#4b4a78', 4)
    }
  return out
}

function clockFace(x: number, y: number, r: number): string {
  let ticks = ''
  for (let i = 0; i < 12; i++) {
    const a = (i / 12) * Math.PI * 2
    ticks += circle(x + Math.cos(a) * r * 0.8, y + Math.sin(a) * r * 0.8, r * 0.05, '#6b4b3a')
  }
  return (
    circle(x, y, r * 1.12, '#c79a5b') +
    circle(x, y, r, '#fff4dc') +
    ticks +
    `<line x1="${x}" y1="${y}" x2="${x}" y2="${n(y - r * 0.62)}" stroke="#4a342a" stroke-width="${n(r * 0.08)}" stroke-linecap="round"/>` +
    `<line x1="${x}" y1="${y}" x2="${n(x + r * 0.42)}" y2="${n(y + r * 0.2)}" stroke="#4a342a" stroke-width="${n(r * 0.1)}" stroke-linecap="round"/>` +
    circle(x, y, r * 0.09, '#4a342a')
  )
}

export const clockworkCity: Scene = (rnd) =>
  svgDocument(
    gradients(palettes.clockworkCity),
    sky('sky') +
      stars(rnd, 60, 380) +
      gear(170, 170, 70, 10, '#5d5a98', 0.2, ' opacity="0.8"') +
      gear(270, 270, 40, 8, '#6f6aa8', 0.5, ' opacity="0.8"') +
      gear(880, 230, 56, 9, '#5d5a98', 0.1, ' opacity="0.8"') +
      building(rnd, 10, 150, 300, '#6f5a8e', '#4f3f6e') +
      building(rnd, 180, 120, 380, '#7b6aa0', '#57467a') +
      building(rnd, 640, 130, 420, '#7b6aa0', '#57467a') +
      building(rnd, 790, 110, 300, '#6f5a8e', '#4f3f6e') +
      building(rnd, 910, 130, 360, '#7b6aa0', '#57467a') +
      rect(400, 300, 220, 600, 'url(#tower)', 10) +
      polygon(
        [
          [380, 306],
          [510, 120],
          [640, 306],
        ],
        '#8c4f4a',
        10,
      ) +
      sparkle(510, 100, 22, '#ffe7a0') +
      clockFace(510, 420, 78) +
      rect(470, 760, 80, 140, '#5a3c30', 40) +
      rect(310, 620, 90, 280, '#8a76ad', 6) +
      rect(326, 650, 24, 30, '#ffd98a', 4) +
      rect(360, 650, 24, 30, '#ffd98a', 4) +
      `<path d="M0,900L1024,900L1024,1024L0,1024Z" fill="#43365e"/>` +
      [80, 300, 720, 940]
        .map(
          (x) =>
            rect(x - 4, 800, 8, 100, '#2f2746', 3) +
            circle(x, 796, 46, 'url(#lampGlow)') +
            circle(x, 796, 12, '#fff0b8'),
        )
        .join('') +
      gear(60, 990, 110, 12, 'url(#brass)', 0.1) +
      gear(230, 1000, 60, 9, 'url(#brass)', 0.4) +
      gear(960, 980, 100, 11, 'url(#brass)', 0.3) +
      gear(800, 1010, 50, 8, 'url(#brass)', 0.2),
  )

function rainbow(x: number, y: number, r: number): string {
  const bands = ['#ffb3ba', '#ffd6a5', '#fdffb6', '#caffbf', '#a0e7e5', '#bdb2ff']
  return `<g opacity="0.85">${bands
    .map(
      (c, i) =>
        `<path d="M${n(x - r + i * 26)},${y}A${n(r - i * 26)},${n(r - i * 26)} 0 0,1 ${n(x + r - i * 26)},${y}" fill="none" stroke="${c}" stroke-width="28"/>`,
    )
    .join('')}</g>`
}

function tower(x: number, base: number, w: number, h: number): string {
  return (
    rect(x, base - h, w, h, '#f6f0ff', 6) +
    rect(x + w * 0.3, base - h * 0.7, w * 0.4, w * 0.55, '#b9a6e8', w * 0.2) +
    polygon(
      [
        [x - w * 0.15, base - h + 4],
        [x + w / 2, base - h - w * 1.3],
        [x + w * 1.15, base - h + 4],
      ],
      '#f59ab9',
      8,
    )
  )
}

export const cloudKingdom: Scene = () =>
  svgDocument(
    gradients(palettes.cloudKingdom),
    sky('sky') +
      sun(160, 170, 70, '#ffe680') +
      rainbow(512, 720, 480) +
      cloud(820, 220, 60, '#ffffff', 0.95) +
      cloud(640, 130, 36, '#ffffff', 0.85) +
      rect(370, 460, 290, 300, '#efe6ff', 8) +
      [380, 440, 500, 560, 620].map((x) => rect(x, 440, 34, 30, '#efe6ff', 4)).join('') +
      tower(300, 760, 100, 380) +
      tower(624, 760, 100, 380) +
      tower(462, 700, 100, 420) +
      rect(509, 180, 6, 90, '#8a6f9e', 3) +
      `<path d="M515,182L570,198L515,214Z" fill="#ffcf5a"/>` +
      `<path d="M465,760L465,650A47,47 0 0,1 559,650L559,760Z" fill="#b9a6e8"/>` +
      rect(510, 650, 4, 110, '#9c88d6') +
      rect(-20, 860, 1064, 184, '#f6f9ff') +
      cloud(120, 820, 150, '#ffffff') +
      cloud(470, 860, 170, '#ffffff') +
      cloud(880, 820, 150, '#ffffff') +
      cloud(250, 960, 90, '#e4eefc', 1) +
      cloud(760, 970, 100, '#e4eefc', 1) +
      sparkle(260, 380, 16, '#ffffff', 0.9) +
      sparkle(780, 420, 12, '#ffffff', 0.9) +
      sparkle(880, 560, 14, '#ffffff', 0.9),
  )
