import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES, GENERATION_ERROR_CODES } from '../src/errors.ts'

const readme = readFileSync(resolve(import.meta.dirname, '../../../README.md'), 'utf8')

describe('the error codes', () => {
  it("are the README's error table, row for row, with their statuses", () => {
    const rows = readme
      .split('\n')
      .map((line) => /^\| `([A-Z_]+)` +\| (\d{3}) +\|/.exec(line))
      .filter((match) => match !== null)
      .map(([, code, status]) => [code, Number(status)])
    expect(rows).toEqual(Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status]))
  })

  it("are each named where the README lists a failed job's error.code", () => {
    const sentence = readme.split('\n').find((line) => line.startsWith("A failed job's `error.code`"))
    const missing = Object.keys(GENERATION_ERROR_CODES).filter((code) => !sentence?.includes(`\`${code}\``))
    expect(missing).toEqual([])
  })
})
