// Portrait fixtures, for avatar-style requests: two children and a teddy bear.
import { linear, radial } from './gradients.ts'
import { circle, ellipse, rect, type Scene, sky, svgDocument } from './svg.ts'

interface FaceStyle {
  background: readonly [string, string]
  halo: string
  skin: string
  skinShade: string
  hair: string
  shirt: string
  curly?: boolean
}

function backdrop(style: { background: readonly [string, string]; halo: string }): string {
  return (
    linear('bg', `${style.background[0]} 0, ${style.background[1]} 1`) +
    radial('halo', `${style.halo} 0 0.9, ${style.halo} 0.8 0.55, ${style.halo} 1 0`)
  )
}

/** Eyes with a sparkle each, at the given height. */
function eyes(y: number, spread: number, r: number): string {
  return [512 - spread, 512 + spread]
    .map(
      (x) =>
        circle(x, y, r, '#352830') +
        circle(x - r * 0.35, y - r * 0.38, r * 0.36, '#ffffff') +
        circle(x + r * 0.3, y + r * 0.3, r * 0.14, '#ffffff'),
    )
    .join('')
}

function cheeks(y: number, spread: number, r: number): string {
  return [512 - spread, 512 + spread]
    .map((x) => circle(x, y, r, '#ff8f9c', ' opacity="0.4" filter="url(#soft)"'))
    .join('')
}

function face(style: FaceStyle): string {
  const hair = style.curly
    ? Array.from({ length: 19 }, (_, i) => {
        const a = Math.PI * (0.92 + (i / 18) * 1.16)
        return circle(512 + Math.cos(a) * 300, 500 + Math.sin(a) * 290, 100, style.hair)
      }).join('') + circle(512, 420, 290, style.hair)
    : ellipse(512, 440, 320, 270, style.hair)
  const fringe = style.curly
    ? Array.from({ length: 7 }, (_, i) => circle(330 + i * 60, 290 + Math.abs(i - 3) * 16, 62, style.hair)).join('')
    : `<path d="M206,600C186,330 340,176 512,176C704,176 846,330 818,600C800,480 770,420 716,392Q640,440 540,372Q440,430 318,394C262,440 226,510 206,600Z" fill="${style.hair}"/>`
  const brow = (x: number) =>
    `<path d="M${x - 34},478Q${x},450 ${x + 34},478" fill="none" stroke="${style.hair}" stroke-width="11" stroke-linecap="round"/>`
  return svgDocument(
    backdrop(style),
    sky('bg') +
      circle(512, 512, 470, 'url(#halo)') +
      ellipse(512, 1090, 410, 330, style.shirt) +
      ellipse(512, 800, 90, 30, style.shirt) +
      rect(452, 740, 120, 110, style.skinShade, 40) +
      hair +
      circle(200, 560, 52, style.skin) +
      circle(824, 560, 52, style.skin) +
      ellipse(512, 560, 305, 315, style.skin) +
      fringe +
      brow(400) +
      brow(624) +
      eyes(540, 112, 36) +
      cheeks(640, 180, 50) +
      ellipse(512, 605, 20, 14, style.skinShade) +
      '<path d="M430,660Q512,730 594,660" fill="none" stroke="#b4545a" stroke-width="17" stroke-linecap="round"/>',
  )
}

const bear: Scene = () =>
  svgDocument(
    backdrop({ background: ['#c4e8cf', '#84c4ae'], halo: '#e6f7ea' }) + radial('fur', '#b47e57 0, #93603f 1'),
    sky('bg') +
      circle(512, 512, 470, 'url(#halo)') +
      [260, 764].map((x) => circle(x, 280, 124, '#93603f') + circle(x, 280, 70, '#e6b896')).join('') +
      ellipse(512, 580, 360, 336, 'url(#fur)') +
      ellipse(512, 700, 172, 132, '#ecd1ad') +
      ellipse(512, 644, 52, 36, '#4a3028') +
      ellipse(496, 634, 16, 9, '#7a5a50') +
      '<path d="M512,680L512,712M512,712Q472,748 440,712M512,712Q552,748 584,712" fill="none" stroke="#4a3028" stroke-width="12" stroke-linecap="round"/>' +
      eyes(512, 120, 32) +
      cheeks(640, 212, 46),
  )

/** Friendly portrait fixtures (for avatar-style requests). */
export const AVATARS: Readonly<Record<string, Scene>> = {
  'avatar-sunny': () =>
    face({
      background: ['#ffe28c', '#ffba78'],
      halo: '#fff1c4',
      skin: '#f4c8a6',
      skinShade: '#e0ae8c',
      hair: '#8c5432',
      shirt: '#5a96dc',
    }),
  'avatar-curly': () =>
    face({
      background: ['#96dcdc', '#5aaabe'],
      halo: '#c8f0ee',
      skin: '#9c684a',
      skinShade: '#85573c',
      hair: '#2a1f24',
      shirt: '#f0786e',
      curly: true,
    }),
  'avatar-bear': bear,
}
