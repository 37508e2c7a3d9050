import { deflateSync, inflateSync } from 'node:zlib'

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

const paeth = (a: number, b: number, c: number) => {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

interface PngParts {
  width: number
  height: number
  colorType: number
  bitDepth: number
  /** a palette PNG's colours, already blended onto white where tRNS makes them see-through */
  palette: Buffer | null
  /** the concatenated IDAT chunks: the zlib stream of filtered rows */
  data: Buffer
}

/**
 * A non-interlaced PNG of 8-bit true colour or grey (with or without alpha), or of a palette (any
 * depth, with or without tRNS); null for anything else.
 */
function readPng(png: Buffer): PngParts | null {
  if (png.length < 33 || !png.subarray(0, 8).equals(SIGNATURE)) return null
  let offset = 8
  let header: { width: number; height: number; colorType: number; bitDepth: number } | null = null
  let plte: Buffer | null = null
  let trns: Buffer | null = null
  const idat: Buffer[] = []
  while (offset + 8 <= png.length) {
    const length = png.readUInt32BE(offset)
    const type = png.toString('latin1', offset + 4, offset + 8)
    const data = png.subarray(offset + 8, offset + 8 + length)
    if (type === 'IHDR') {
      const colorType = data[9]!
      const bitDepth = data[8]!
      const supported =
        colorType === 3 ? [1, 2, 4, 8].includes(bitDepth) : [0, 2, 4, 6].includes(colorType) && bitDepth === 8
      if (!supported || data[12] !== 0) return null
      header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), colorType, bitDepth }
    } else if (type === 'PLTE') plte = data
    else if (type === 'tRNS') trns = data
    else if (type === 'IDAT') idat.push(data)
    else if (type === 'IEND') break
    offset += 12 + length
  }
  if (!header?.width || !header.height || !idat.length) return null
  // a see-through colour key on true colour or grey: left to pdfkit
  if (trns && header.colorType !== 3) return null
  let palette: Buffer | null = null
  if (header.colorType === 3) {
    if (!plte) return null
    palette = Buffer.from(plte)
    for (let i = 0; trns && i < trns.length && i * 3 + 2 < palette.length; i++) {
      const alpha = trns[i]!
      for (let c = 0; c < 3; c++) palette[i * 3 + c] = (palette[i * 3 + c]! * alpha + 255 * (255 - alpha) + 127) / 255
    }
  }
  return { ...header, palette, data: Buffer.concat(idat) }
}

let scratchBuffer = Buffer.alloc(0)
/** The blended rows are deflated (copied) at once: one buffer serves every picture of a process. */
function scratch(size: number) {
  if (scratchBuffer.length < size) scratchBuffer = Buffer.alloc(size)
  return scratchBuffer.subarray(0, size)
}

/** Undoes the row filters of a PNG with alpha and blends it onto white: rows of colour, each led by filter 0. */
function flatten({ width, height, colorType, data }: PngParts): Buffer | null {
  const channels = colorType === 6 ? 4 : 2
  const colours = channels - 1
  const stride = width * channels
  // one allocation of the exact size, instead of 16 KiB chunks concatenated
  const raw = inflateSync(data, { chunkSize: Math.max(64 * 1024, height * (stride + 1)) })
  if (raw.length < height * (stride + 1)) return null
  const outStride = width * colours + 1
  const out = scratch(height * outStride)
  let previous = new Uint8Array(stride)
  let current = new Uint8Array(stride)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1))
    if (filter === 0) current.set(row)
    else if (filter === 2) for (let i = 0; i < stride; i++) current[i] = row[i]! + previous[i]!
    else
      for (let i = 0; i < stride; i++) {
        const left = i >= channels ? current[i - channels]! : 0
        const up = previous[i]!
        current[i] =
          row[i]! +
          (filter === 1
            ? left
            : filter === 3
              ? (left + up) >> 1
              : paeth(left, up, i >= channels ? previous[i - channels]! : 0))
      }
    out[y * outStride] = 0 // the row's filter: none (the scratch buffer may hold another picture's bytes)
    const base = y * outStride + 1
    for (let x = 0, from = 0, to = base; x < width; x++, from += channels) {
      const alpha = current[from + colours]!
      for (let c = 0; c < colours; c++, to++) {
        const value = current[from + c]!
        out[to] = alpha === 255 ? value : (value * alpha + 255 * (255 - alpha) + 127) / 255
      }
    }
    ;[previous, current] = [current, previous]
  }
  return deflateSync(out, { level: 1 })
}

/** What pdfkit's image() takes besides its own decoders: a size, a label and a way to embed itself. */
export interface PdfPicture {
  width: number
  height: number
  label: string
  obj: unknown
  embed(document: { ref(data: Record<string, unknown>): { end(data?: Buffer): void } }): void
}

/**
 * A PNG as a PDF image without decoding it in JavaScript. pdfkit copies an opaque PNG's zlib
 * stream into the PDF (the PNG predictors are PDF's too) but reads it byte by byte first, and
 * takes a PNG with alpha apart pixel by pixel and compresses both halves again, which for five
 * 1024² pictures takes seconds. Here an opaque PNG's stream is copied as it is, and one with alpha
 * is blended onto the white page in one pass, with zlib (native) inflating and deflating, and a
 * palette's see-through colours are blended in the palette. Null for a PNG of another kind
 * (16-bit, interlaced, a colour key), which pdfkit then reads itself.
 */
export function pdfPictureFromPng(png: Buffer, label: string): PdfPicture | null {
  const parts = readPng(png)
  if (!parts) return null
  const alpha = parts.colorType === 4 || parts.colorType === 6
  const data = alpha ? flatten(parts) : parts.data
  if (!data) return null
  const { palette } = parts
  const colours = parts.colorType === 2 || parts.colorType === 6 ? 3 : 1
  return {
    width: parts.width,
    height: parts.height,
    label,
    obj: null,
    embed(document) {
      let colorSpace: unknown = colours === 3 ? 'DeviceRGB' : 'DeviceGray'
      if (palette) {
        const table = document.ref({})
        table.end(palette)
        colorSpace = ['Indexed', 'DeviceRGB', palette.length / 3 - 1, table]
      }
      const obj = document.ref({
        Type: 'XObject',
        Subtype: 'Image',
        Width: parts.width,
        Height: parts.height,
        BitsPerComponent: alpha ? 8 : parts.bitDepth,
        ColorSpace: colorSpace,
        Filter: 'FlateDecode',
        DecodeParms: {
          Predictor: 15,
          Colors: colours,
          BitsPerComponent: alpha ? 8 : parts.bitDepth,
          Columns: parts.width,
        },
      })
      obj.end(data)
      this.obj = obj
    },
  }
}
