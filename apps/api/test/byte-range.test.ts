import { describe, expect, it } from 'vitest'
import { parseByteRange } from '../src/lib/byte-range.ts'

describe('parseByteRange', () => {
  it('reads the three forms of a single range, clamped to the resource', () => {
    expect(parseByteRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 })
    expect(parseByteRange('bytes=500-', 1000)).toEqual({ start: 500, end: 999 })
    expect(parseByteRange('bytes=-10', 1000)).toEqual({ start: 990, end: 999 })
    expect(parseByteRange('bytes=900-5000', 1000)).toEqual({ start: 900, end: 999 })
    expect(parseByteRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 })
    expect(parseByteRange('bytes=999-999', 1000)).toEqual({ start: 999, end: 999 })
  })

  it('says unsatisfiable for a range that starts at or past the end', () => {
    expect(parseByteRange('bytes=1000-', 1000)).toBe('unsatisfiable')
    expect(parseByteRange('bytes=1000-2000', 1000)).toBe('unsatisfiable')
    expect(parseByteRange('bytes=-0', 1000)).toBe('unsatisfiable')
  })

  it('ignores what it does not understand, and several ranges, so the whole file is sent', () => {
    for (const header of [undefined, '', 'bytes=', 'bytes=-', 'items=0-1', 'bytes=5-1', 'bytes=0-1,4-5', 'bytes=a-b'])
      expect(parseByteRange(header, 1000)).toBeUndefined()
  })
})
