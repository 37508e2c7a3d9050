import { AppError, isUuid } from '@dreamify/core'

/** Opaque page cursors: the (created_at, id) of the last row of the page, base64url-encoded. */
export function encodeCursor(row: { created_at: Date; id: string }): string {
  return Buffer.from(`${row.created_at.toISOString()}|${row.id}`).toString('base64url')
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [iso, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  const createdAt = new Date(iso ?? '')
  const year = createdAt.getUTCFullYear()
  if (extra !== undefined || !id || !isUuid(id) || Number.isNaN(year) || year < 2000 || year > 9999) {
    throw new AppError('INVALID_CURSOR', 'query.cursor must be a next_cursor value from a previous page')
  }
  return { createdAt, id }
}
