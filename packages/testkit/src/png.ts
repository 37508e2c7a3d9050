// Reading a PNG's header, for tests that check what a provider or an export handed back. The fixture
// pictures themselves are SVG scenes rendered by sharp (scenes/index.ts).

export const PNG_SIGNATURE: Buffer = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

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
