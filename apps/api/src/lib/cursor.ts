import { AppError, isUuid } from '@dreamify/core'

// created_at as Postgres keeps it, to the microsecond (1 to 6 fractional digits, so cursors of
// milliseconds given out before are still good).
const TIMESTAMP = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/

/**
 * Opaque page cursors: the (created_at, id) of the last row of the page, base64url-encoded.
 * created_at is the text Postgres gave (cursor_created_at), not a Date: a Date keeps milliseconds
 * only, and a story created in the same millisecond as the page's last row would be skipped.
 */
export function encodeCursor(row: { cursor_created_at: string; id: string }): string {
  return Buffer.from(`${row.cursor_created_at}|${row.id}`).toString('base64url')
}

export function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  const year = Number(TIMESTAMP.exec(createdAt ?? '')?.[1])
  if (extra !== undefined || !id || !isUuid(id) || !(year >= 2000 && year <= 9999) || !isRealDate(createdAt!)) {
    throw new AppError('INVALID_CURSOR', 'query.cursor must be a next_cursor value from a previous page')
  }
  return { createdAt: createdAt!, id }
}

/** Rejects what the pattern lets through but Postgres would refuse (Feb 30, hour 24), which must be a 400, not a 500. */
function isRealDate(timestamp: string): boolean {
  const date = new Date(timestamp)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 19) === timestamp.slice(0, 19)
}
