// The night scenes: a moonlit forest, a snowy night, a boat under the moon.
import { gradients } from './gradients.ts'
import palettes from './palettes.json' with { type: 'json' }
import {
  circle,
  cloud,
  ellipse,
  glow,
  hill,
  house,
  moon,
  n,
  pine,
  polygon,
  type Rnd,
  rect,
  ripples,
  S,
  type Scene,
  sky,
  star,
  stars,
  svgDocument,
} from './svg.ts'

/** The sky every night scene opens with: the `sky` gradient, stars down to starsTo, and the moon. */
function nightSky(rnd: Rnd, starCount: number, starsTo: number, [x, y, r]: readonly [number, number, number]): string {
  return sky('sky') + stars(rnd, starCount, starsTo) + moon(x, y, r)
}

function pineRow(rnd: Rnd, count: number, base: number, h: number, fill: string, snow?: string): string {
  let out = ''
  for (let i = 0; i < count; i++) {
    const x = ((i + 0.2 + rnd() * 0.6) / count) * (S + 120) - 60
    out += pine(x, base + rnd() * 24, h * (0.75 + rnd() * 0.45), fill, snow)
  }
  return out
}

function fireflies(rnd: Rnd, count: number, top: number, bottom: number): string {
  let out = ''
  for (let i = 0; i < count; i++) {
    const x = rnd() * S
    const y = top + rnd() * (bottom - top)
    out += glow(x, y, 16 + rnd() * 12, 'fireflyGlow') + circle(x, y, 3 + rnd() * 2, '#fff3a6')
  }
  return out
}

export const moonlitForest: Scene = (rnd) =>
  svgDocument(
    gradients(palettes.moonlitForest),
    nightSky(rnd, 150, 560, [730, 230, 82]) +
      hill(610, 30, 2, 0.6, '#4d4687') +
      pineRow(rnd, 16, 650, 190, '#36396e') +
      hill(700, 22, 3, 2, '#2d3162') +
      pineRow(rnd, 11, 740, 260, '#252a55') +
      hill(790, 18, 2, 4, '#1e2447') +
      '<path d="M360,1024C470,950 620,925 525,862C470,826 505,800 540,790L556,790C534,806 528,830 566,858C680,935 560,985 720,1024Z" fill="url(#path)"/>' +
      pine(110, 1040, 470, '#161b38') +
      pine(260, 1060, 330, '#1a2042') +
      pine(930, 1040, 440, '#161b38') +
      glow(540, 850, 110, 'starGlow') +
      star(540, 850, 30, '#ffe27a') +
      fireflies(rnd, 22, 620, 960),
  )

export const snowyNight: Scene = (rnd) => {
  let flakes = ''
  for (let i = 0; i < 90; i++)
    flakes += circle(rnd() * S, rnd() * S, 2.5 + rnd() * 4, '#ffffff', ` opacity="${n(0.5 + rnd() * 0.5)}"`)
  return svgDocument(
    gradients(palettes.snowyNight),
    nightSky(rnd, 120, 560, [190, 190, 70]) +
      hill(640, 40, 1, 0.3, 'url(#snowFar)') +
      pineRow(rnd, 9, 700, 170, '#1f4a5a', '#f3f6ff') +
      hill(760, 30, 2, 1.5, 'url(#snowNear)') +
      glow(410, 560, 45, 'smoke') +
      glow(440, 500, 60, 'smoke') +
      glow(470, 430, 75, 'smoke') +
      rect(432, 590, 34, 80, '#7c4a3b', 4) +
      house(280, 800, 250, 170, '#a8674c', '#f4f6ff') +
      polygon(
        [
          [250, 640],
          [405, 505],
          [560, 640],
          [540, 652],
          [405, 530],
          [270, 652],
        ],
        '#ffffff',
        10,
      ) +
      ellipse(405, 806, 180, 16, '#c8d2f0', ' opacity="0.7" filter="url(#soft)"') +
      pine(90, 900, 330, '#1c4052', '#f7f9ff') +
      pine(690, 870, 260, '#1c4052', '#f7f9ff') +
      pine(880, 930, 360, '#173646', '#f7f9ff') +
      hill(930, 18, 2, 3, '#ffffff') +
      flakes,
  )
}

export const nightBoat: Scene = (rnd) =>
  svgDocument(
    gradients(palettes.nightBoat),
    nightSky(rnd, 170, 620, [470, 270, 92]) +
      cloud(180, 430, 60, '#3a5a86', 0.55) +
      cloud(820, 380, 70, '#3a5a86', 0.5) +
      rect(0, 640, S, S - 640, 'url(#sea)') +
      rect(410, 640, 120, 384, 'url(#column)', 0, ' filter="url(#softer)"') +
      ripples(rnd, 14, 660, 1000, 470, 150, '#ffefc0', 5) +
      ripples(rnd, 10, 680, 1000, 200, 120, '#6fa3c4', 3) +
      ripples(rnd, 10, 680, 1000, 800, 120, '#6fa3c4', 3) +
      polygon(
        [
          [500, 340],
          [500, 700],
          [330, 700],
        ],
        'url(#sail)',
        8,
      ) +
      polygon(
        [
          [520, 390],
          [520, 700],
          [630, 700],
        ],
        'url(#sail)',
        8,
      ) +
      rect(505, 320, 10, 400, '#6b4634', 4) +
      `<path d="M300,715L720,715Q700,790 640,795L380,795Q320,790 300,715Z" fill="#a3553e"/>` +
      rect(300, 712, 420, 16, '#c46b4c', 6) +
      glow(660, 700, 60, 'lantern') +
      circle(660, 700, 9, '#ffe9a8') +
      `<path d="M300,800Q380,780 440,805Q520,830 600,805Q660,785 730,805" fill="none" stroke="#9cc8de" stroke-width="6" stroke-linecap="round" opacity="0.7"/>`,
  )
