import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, describe, expect, it } from 'vitest'
import {
  FIXTURE_PICTURE_NAMES,
  fixtureSvg,
  fixturesDir,
  isPng,
  PNG_SIGNATURE,
  readPngInfo,
  renderFixturePng,
  SCENE_SIZE,
  startFakeOpenAI,
} from '../src/index.ts'

const dir = join(fixturesDir, 'images')
const files = readdirSync(dir).filter((f) => f.endsWith('.png'))

/** How many pixels differ visibly (by more than 8 of 255 in a channel) between two same-sized images. */
async function visiblyDifferentPixels(a: Buffer, b: Buffer): Promise<number> {
  const [pa, pb] = await Promise.all([a, b].map((png) => sharp(png).removeAlpha().raw().toBuffer()))
  expect(pa!.length).toBe(pb!.length)
  let count = 0
  for (let i = 0; i < pa!.length; i += 3)
    if (Math.max(...[0, 1, 2].map((k) => Math.abs(pa![i + k]! - pb![i + k]!))) > 8) count++
  return count
}

describe('fixture images', () => {
  it('has 8+ scenes and 2+ avatars, each a 1024x1024 PNG, about 1 MB in all', () => {
    expect(files.filter((f) => f.startsWith('scene-')).length).toBeGreaterThanOrEqual(8)
    expect(files.filter((f) => f.startsWith('avatar-')).length).toBeGreaterThanOrEqual(2)
    expect(files.map((f) => f.slice(0, -4)).sort()).toEqual([...FIXTURE_PICTURE_NAMES].sort())
    let total = 0
    for (const f of files) {
      const size = statSync(join(dir, f)).size
      total += size
      expect(size, f).toBeLessThan(200 * 1024)
      expect(readPngInfo(readFileSync(join(dir, f))), f).toMatchObject({ width: SCENE_SIZE, height: SCENE_SIZE })
    }
    expect(total).toBeLessThan(3 * 1024 * 1024)
  })

  it('are what the SVG scenes render today (regenerate with make-fixture-images.ts)', async () => {
    for (const name of FIXTURE_PICTURE_NAMES) {
      const committed = readFileSync(join(dir, `${name}.png`))
      // Not equal bytes: another libvips build may round a gradient by a level or two, or antialias
      // an edge a little differently. A moved star is some 40 different pixels; a changed scene, thousands.
      expect(await visiblyDifferentPixels(committed, await renderFixturePng(name)), name).toBeLessThan(30)
    }
  })

  it('draws each picture from its own SVG document, the same one for the same seed', () => {
    const documents = FIXTURE_PICTURE_NAMES.map((name) => fixtureSvg(name))
    expect(new Set(documents).size).toBe(documents.length)
    for (const svg of documents)
      expect(svg).toMatch(new RegExp(`^<svg [^>]*width="${SCENE_SIZE}" height="${SCENE_SIZE}"`))
    expect(fixtureSvg('scene-moonlit-forest')).toBe(documents[0])
    expect(fixtureSvg('scene-moonlit-forest', 8)).not.toBe(documents[0])
    expect(() => fixtureSvg('scene-nowhere')).toThrow(/unknown fixture picture/)
  })
})

describe('readPngInfo', () => {
  it("reads a PNG's size and colour type, and refuses what is not a PNG", async () => {
    const png = await sharp({ create: { width: 3, height: 2, channels: 4, background: '#c8c8c8' } })
      .png()
      .toBuffer()
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true)
    expect(readPngInfo(png)).toEqual({ width: 3, height: 2, bitDepth: 8, colorType: 6 })
    expect(isPng(Buffer.from('not a png at all, no, not even close'))).toBe(false)
    expect(isPng(png.subarray(0, 20))).toBe(false)
  })
})

describe('the fake server without a fixtures/images directory', () => {
  const bare = mkdtempSync(join(tmpdir(), 'dreamify-fixtures-'))
  symlinkSync(join(fixturesDir, 'stories'), join(bare, 'stories'))
  afterAll(() => rmSync(bare, { recursive: true, force: true }))

  it('renders a few scenes itself and answers with them', async () => {
    const fake = await startFakeOpenAI({ fixturesDir: bare })
    try {
      const res = await fetch(`${fake.baseURL}/images/generations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'a moonlit forest', n: 2 }),
      })
      const { data } = (await res.json()) as { data: Array<{ b64_json: string }> }
      expect(data).toHaveLength(2)
      for (const { b64_json } of data)
        expect(readPngInfo(Buffer.from(b64_json, 'base64'))).toMatchObject({ width: SCENE_SIZE, height: SCENE_SIZE })
    } finally {
      await fake.close()
    }
  })
})
