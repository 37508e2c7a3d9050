import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { crc32, encodePng, fixturesDir, isPng, PNG_SIGNATURE, readPngInfo } from '../src/index.ts'

/** Minimal decoder for the encoder's own output (8-bit RGBA, one IDAT), to check round trips. */
function decode(png: Buffer): { width: number; height: number; rgba: Uint8Array } {
  let offset = 8
  let width = 0
  let height = 0
  const idat: Buffer[] = []
  while (offset < png.length) {
    const length = png.readUInt32BE(offset)
    const type = png.toString('ascii', offset + 4, offset + 8)
    const data = png.subarray(offset + 8, offset + 8 + length)
    expect(png.readUInt32BE(offset + 8 + length)).toBe(crc32(png.subarray(offset + 4, offset + 8 + length)))
    if (type === 'IHDR') [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)]
    if (type === 'IDAT') idat.push(data)
    offset += 12 + length
  }
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * 4
  const out = new Uint8Array(width * height * 4)
  for (let y = 0; y < height; y++) {
    const type = raw[y * (stride + 1)]!
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i]!
      const a = i >= 4 ? out[y * stride + i - 4]! : 0
      const b = y > 0 ? out[(y - 1) * stride + i]! : 0
      const c = y > 0 && i >= 4 ? out[(y - 1) * stride + i - 4]! : 0
      const p = a + b - c
      const pred = [
        0,
        a,
        b,
        (a + b) >> 1,
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c,
      ][type]!
      out[y * stride + i] = (x + pred) & 0xff
    }
  }
  return { width, height, rgba: out }
}

describe('encodePng', () => {
  it('writes the signature and an IHDR with the right size', () => {
    const png = encodePng(3, 2, new Uint8Array(3 * 2 * 4).fill(200))
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true)
    expect(png.toString('ascii', 12, 16)).toBe('IHDR')
    expect(png.readUInt32BE(16)).toBe(3)
    expect(png.readUInt32BE(20)).toBe(2)
    expect(readPngInfo(png)).toEqual({ width: 3, height: 2, bitDepth: 8, colorType: 6 })
    expect(png.toString('ascii', png.length - 8, png.length - 4)).toBe('IEND')
  })

  it('round-trips pixels through every filter type', () => {
    const width = 37
    const height = 23
    const rgba = new Uint8Array(width * height * 4)
    for (let i = 0; i < rgba.length; i++) rgba[i] = (i * 7 + ((i >> 6) % 13) * 31) & 0xff
    const decoded = decode(encodePng(width, height, rgba))
    expect([decoded.width, decoded.height]).toEqual([width, height])
    expect(Buffer.from(decoded.rgba).equals(Buffer.from(rgba))).toBe(true)
  })

  it('rejects a pixel buffer of the wrong length', () => {
    expect(() => encodePng(2, 2, new Uint8Array(15))).toThrow(RangeError)
    expect(isPng(Buffer.from('not a png at all, no, not even close'))).toBe(false)
  })

  it('computes the standard CRC-32', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926)
  })
})

describe('fixture images', () => {
  const dir = join(fixturesDir, 'images')
  const files = readdirSync(dir).filter((f) => f.endsWith('.png'))

  it('has 8+ scenes and 2+ avatars, 512x512 and small', () => {
    expect(files.filter((f) => f.startsWith('scene-')).length).toBeGreaterThanOrEqual(8)
    expect(files.filter((f) => f.startsWith('avatar-')).length).toBeGreaterThanOrEqual(2)
    for (const f of files) {
      expect(statSync(join(dir, f)).size).toBeLessThan(120 * 1024)
      expect(readPngInfo(readFileSync(join(dir, f)))).toMatchObject({ width: 512, height: 512 })
    }
  })
})
