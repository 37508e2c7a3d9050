// The daytime and sunset landscapes: a seaside sunset with a lighthouse, a meadow morning, a mountain lake.
import { gradients } from './gradients.ts'
import palettes from './palettes.json' with { type: 'json' }
import {
  bird,
  circle,
  cloud,
  ellipse,
  hill,
  house,
  n,
  pine,
  polygon,
  type Rnd,
  rect,
  ripples,
  roundTree,
  S,
  type Scene,
  sky,
  sun,
  svgDocument,
} from './svg.ts'

function flowers(rnd: Rnd, count: number, top: number): string {
  const colours = ['#ff9eb5', '#ffd86b', '#ffffff', '#c7a4ff', '#ff8f70']
  let out = ''
  for (let i = 0; i < count; i++) {
    const x = rnd() * S
    const y = top + rnd() * (S - top)
    const r = 5 + ((y - top) / (S - top)) * 7
    const c = colours[Math.floor(rnd() * colours.length)]!
    for (let p = 0; p < 5; p++) {
      const a = (p / 5) * Math.PI * 2
      out += circle(x + Math.cos(a) * r, y + Math.sin(a) * r, r * 0.7, c)
    }
    out += circle(x, y, r * 0.55, '#ffcf4a')
  }
  return out
}

export const seasideSunset: Scene = (rnd) =>
  svgDocument(
    gradients(palettes.seasideSunset),
    sky('sky') +
      cloud(230, 230, 70, '#f7b5cf', 0.85) +
      cloud(760, 160, 95, '#f7b5cf', 0.85) +
      cloud(560, 380, 45, '#ffd0c4', 0.7) +
      sun(420, 700, 120, '#ffd46e') +
      rect(0, 700, S, S - 700, 'url(#sea)') +
      ripples(rnd, 16, 715, 880, 420, 190, '#ffd88a', 6) +
      ripples(rnd, 8, 740, 880, 800, 90, '#b2a6e0', 3) +
      `<path d="M890,330L580,240L580,330Z" fill="url(#beam)" filter="url(#soft)"/>` +
      ellipse(895, 742, 140, 42, '#3d3459') +
      ellipse(870, 728, 95, 26, '#54466e') +
      `<path d="M860,730L872,390L918,390L930,730Z" fill="#ffffff"/>` +
      [470, 560, 650]
        .map((y) => {
          const edge = (yy: number) => ((yy - 390) * 12) / 340
          return `<path d="M${n(872 - edge(y))},${y}L${n(918 + edge(y))},${y}L${n(918 + edge(y + 50))},${y + 50}L${n(872 - edge(y + 50))},${y + 50}Z" fill="#e2535a"/>`
        })
        .join('') +
      rect(862, 374, 66, 18, '#5a4a6a', 6) +
      circle(895, 330, 70, 'url(#lampGlow)') +
      rect(874, 318, 42, 48, '#fff0a0', 8) +
      polygon(
        [
          [860, 322],
          [895, 280],
          [930, 322],
        ],
        '#e2535a',
        8,
      ) +
      bird(300, 420, 18, '#5d4a7c') +
      bird(350, 460, 13, '#5d4a7c') +
      `<path d="M0,900C200,860 420,880 600,910C780,940 900,900 1024,890L1024,1024L0,1024Z" fill="url(#sand)"/>` +
      `<path d="M0,900C200,860 420,880 600,910C780,940 900,900 1024,890" fill="none" stroke="#ffffff" stroke-width="8" opacity="0.6" stroke-linecap="round"/>` +
      [
        [160, 965],
        [420, 990],
        [700, 975],
      ]
        .map(([x, y]) => `<path d="M${x! - 22},${y}A22,22 0 0,1 ${x! + 22},${y}Z" fill="#f7a8a0"/>`)
        .join('') +
      `<path d="M560,960l12,-18l12,18l20,4l-14,14l4,20l-22,-10l-22,10l4,-20l-14,-14z" fill="#ff9f7a"/>`,
  )

export const meadowMorning: Scene = (rnd) =>
  svgDocument(
    gradients(palettes.meadowMorning),
    sky('sky') +
      sun(810, 190, 85, '#ffe27a') +
      cloud(200, 190, 70, '#ffffff', 0.95) +
      cloud(560, 290, 50, '#ffffff', 0.9) +
      bird(420, 230, 16, '#5a6f86') +
      bird(465, 255, 12, '#5a6f86') +
      bird(395, 270, 10, '#5a6f86') +
      hill(640, 45, 1, 0.9, 'url(#hillFar)') +
      roundTree(200, 640, 190, '#5ea95a', '#9bd68a') +
      house(600, 740, 190, 140, '#fbeedb', '#e2675a', false) +
      roundTree(860, 760, 260, '#4e9a4f', '#8fcd7f') +
      hill(780, 36, 2, 2.4, 'url(#hillNear)') +
      '<path d="M600,1024C640,930 740,880 688,790L712,790C780,880 720,950 800,1024Z" fill="#f1dfb2" opacity="0.9"/>' +
      flowers(rnd, 70, 820),
  )

export const mountainLake: Scene = (rnd) => {
  const horizon = 600
  const mountains =
    polygon(
      [
        [-40, horizon],
        [210, 320],
        [330, 420],
        [520, 200],
        [760, 440],
        [860, 330],
        [1080, horizon],
      ],
      '#8a85c4',
      24,
    ) +
    polygon(
      [
        [520, 200],
        [580, 268],
        [550, 262],
        [520, 288],
        [492, 256],
        [462, 266],
      ],
      '#fbf8ff',
      14,
    ) +
    polygon(
      [
        [210, 320],
        [252, 368],
        [226, 360],
        [204, 378],
        [176, 356],
      ],
      '#fbf8ff',
      12,
    ) +
    polygon(
      [
        [860, 330],
        [902, 380],
        [876, 372],
        [852, 386],
        [826, 368],
      ],
      '#fbf8ff',
      12,
    ) +
    polygon(
      [
        [-40, horizon],
        [120, 470],
        [300, horizon],
      ],
      '#7470b0',
      20,
    ) +
    polygon(
      [
        [640, horizon],
        [900, 450],
        [1080, horizon],
      ],
      '#7470b0',
      20,
    )
  let treeLine = ''
  for (let i = 0; i < 30; i++) treeLine += pine((i + rnd() * 0.6) * 36 - 10, horizon + 4, 50 + rnd() * 40, '#3f6b68')
  const land = mountains + treeLine
  return svgDocument(
    gradients(palettes.mountainLake),
    sky('sky') +
      sun(690, 300, 60, '#fff1cf') +
      cloud(220, 170, 55, '#ffffff', 0.7) +
      cloud(800, 120, 40, '#ffffff', 0.6) +
      land +
      rect(0, horizon, S, S - horizon, 'url(#lake)') +
      `<g transform="translate(0 ${2 * horizon}) scale(1 -1)" opacity="0.45" filter="url(#soft)">${land}</g>` +
      ripples(rnd, 9, horizon + 40, 890, 690, 130, '#fff4dc', 3) +
      `<path d="M0,930C240,900 460,940 700,915C850,900 950,910 1024,905L1024,1024L0,1024Z" fill="url(#grass)"/>` +
      Array.from({ length: 40 }, () => {
        const x = rnd() * S
        const y = 940 + rnd() * 80
        return `<path d="M${n(x)},${n(y)}q${n(-6 + rnd() * 12)},-22 ${n(-4 + rnd() * 8)},-34" fill="none" stroke="#4f8c46" stroke-width="4" stroke-linecap="round"/>`
      }).join(''),
  )
}
