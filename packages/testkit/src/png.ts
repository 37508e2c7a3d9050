import { deflateSync } from 'node:zlib'

export const PNG_SIGNATURE: Buffer = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = (crc ^ 0xffffffff) >>> 0
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'ascii')
  out.set(data, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

/**
 * Picks, per row, the filter with the smallest sum of absolute signed bytes (the usual libpng
 * heuristic): smooth gradients then deflate to a few KB instead of hundreds.
 */
function filterRows(width: number, height: number, rgba: Uint8Array): Uint8Array {
  const bpp = 4
  const stride = width * bpp
  const out = new Uint8Array(height * (stride + 1))
  const candidate = new Uint8Array(stride)
  const best = new Uint8Array(stride)
  for (let y = 0; y < height; y++) {
    const row = y * stride
    const prev = row - stride
    let bestScore = Infinity
    let bestType = 0
    for (let type = 0; type <= 4; type++) {
      let score = 0
      for (let i = 0; i < stride; i++) {
        const x = rgba[row + i]!
        const a = i >= bpp ? rgba[row + i - bpp]! : 0
        const b = y > 0 ? rgba[prev + i]! : 0
        const c = y > 0 && i >= bpp ? rgba[prev + i - bpp]! : 0
        let v: number
        switch (type) {
          case 0:
            v = x
            break
          case 1:
            v = x - a
            break
          case 2:
            v = x - b
            break
          case 3:
            v = x - ((a + b) >> 1)
            break
          default:
            v = x - paeth(a, b, c)
        }
        v &= 0xff
        candidate[i] = v
        score += v < 128 ? v : 256 - v
        if (score >= bestScore) break
      }
      if (score < bestScore) {
        bestScore = score
        bestType = type
        best.set(candidate)
      }
    }
    out[y * (stride + 1)] = bestType
    out.set(best, y * (stride + 1) + 1)
  }
  return out
}

/** Encodes 8-bit RGBA pixels (row-major, width*height*4 bytes) as a PNG file. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`invalid PNG size ${width}x${height}`)
  }
  if (rgba.length !== width * height * 4) {
    throw new RangeError(`expected ${width * height * 4} RGBA bytes, got ${rgba.length}`)
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // colour type: RGBA
  const idat = deflateSync(filterRows(width, height, rgba), { level: 9 })
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))])
}

export interface PngInfo {
  width: number
  height: number
  bitDepth: number
  colorType: number
}

/** Reads the IHDR of a PNG; returns null when the bytes are not a PNG. */
export function readPngInfo(bytes: Uint8Array): PngInfo | null {
  if (bytes.length < 33) return null
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (!buf.subarray(0, 8).equals(PNG_SIGNATURE) || buf.toString('ascii', 12, 16) !== 'IHDR') return null
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20), bitDepth: buf[24]!, colorType: buf[25]! }
}

export function isPng(bytes: Uint8Array): boolean {
  return readPngInfo(bytes) !== null
}
