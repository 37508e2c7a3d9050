import { createHmac, timingSafeEqual } from 'node:crypto'
import { type Db, isDatabaseUnavailable, mediaRepository, pingDatabase } from '@dreamify/db'
import { bucketedExpiry } from './expiry.ts'
import { mediaRecordOf } from './record.ts'
import { type MediaPut, type MediaStore, MediaStoreUnavailableError, type StoredMedia } from './types.ts'

export interface SignedRouteOptions {
  /** the API's secret; the URL key is derived from it */
  secret: string
  ttlSeconds: number
  /** PUBLIC_URL, in front of the route (default: relative URLs) */
  publicUrl?: string
}

/**
 * The credential of a signed, expiring link: an HMAC over `<id>.<expires>` under a key derived
 * from the secret for one `purpose` (so a link of one kind never verifies as another), and its
 * constant-time check, false once the link has expired.
 */
export function createLinkSignature(secret: string, purpose: string) {
  const linkKey = createHmac('sha256', secret).update(purpose).digest()
  const sign = (id: string, expires: number) =>
    createHmac('sha256', linkKey).update(`${id}.${expires}`).digest('base64url')
  return {
    sign,
    verify(id: string, expires: number, sig: string, now = Date.now()): boolean {
      if (!Number.isSafeInteger(expires) || expires * 1000 < now) return false
      const expected = Buffer.from(sign(id, expires))
      const given = Buffer.from(sig)
      return expected.length === given.length && timingSafeEqual(expected, given)
    },
  }
}

/**
 * HMAC-signed, expiring links to the API's media route (`GET /api/media/<key>`, the key URL-encoded): an <img src>
 * cannot send a bearer token, so the URL itself is the credential.
 */
export function createSignedMediaRoute({ secret, ttlSeconds, publicUrl = '' }: SignedRouteOptions) {
  const signature = createLinkSignature(secret, 'dreamify media urls')
  return {
    url(key: string, now = Date.now()): string {
      const { expires } = bucketedExpiry(ttlSeconds, now)
      return `${publicUrl}/api/media/${encodeURIComponent(key)}?expires=${expires}&sig=${signature.sign(key, expires)}`
    },
    verify: signature.verify,
  }
}

export type SignedMediaRoute = ReturnType<typeof createSignedMediaRoute>

/** Today's behaviour: the bytes in Postgres beside their record, served by the API's signed route. */
export function createPostgresMediaStore(db: Db, route: SignedMediaRoute): MediaStore {
  const guard = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run()
    } catch (error) {
      if (isDatabaseUnavailable(error)) throw new MediaStoreUnavailableError('postgres', operation, error)
      throw error
    }
  }
  return {
    name: 'postgres',
    put: (object: MediaPut): Promise<StoredMedia> =>
      guard('put', async () => {
        const record = mediaRecordOf(object, 'postgres', object.bytes)
        await mediaRepository.record(db, record)
        return { key: object.key, checksum: record.checksum, byteSize: record.byte_size }
      }),
    putBytes: (key, _contentType, bytes) =>
      guard('put', async () => {
        await db.updateTable('media_objects').set({ store: 'postgres', bytes }).where('key', '=', key).execute()
      }),
    get: (key) =>
      guard('get', async () => {
        const row = await mediaRepository.find(db, key)
        return row?.bytes ? { bytes: row.bytes, contentType: row.content_type } : undefined
      }),
    // The bytes are the record's: deleting the record deleted them.
    delete: (key) =>
      guard('delete', async () => void (await db.deleteFrom('media_objects').where('key', '=', key).execute())),
    url: async (key, now) => route.url(key, now),
    check: () => pingDatabase(db),
  }
}
