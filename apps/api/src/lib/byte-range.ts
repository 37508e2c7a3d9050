/** A satisfiable single byte range, both ends inclusive. */
export interface ByteRange {
  start: number
  end: number
}

/**
 * Reads a Range header against a resource of `size` bytes (RFC 9110 §14): `bytes=a-b`, `bytes=a-`
 * or `bytes=-n`. Returns the range to send, 'unsatisfiable' (answer 416), or undefined to send the
 * whole resource: no header, another unit, a malformed header, or several ranges (allowed to be
 * ignored, and not worth a multipart answer for audio).
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header)
  if (!match) return undefined
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return undefined
  if (first === '') {
    const suffix = Number(last)
    if (!Number.isSafeInteger(suffix)) return undefined
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(first)
  const end = last === '' ? Number.MAX_SAFE_INTEGER : Number(last)
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return undefined
  if (start >= size) return 'unsatisfiable'
  return { start, end: Math.min(end, size - 1) }
}
