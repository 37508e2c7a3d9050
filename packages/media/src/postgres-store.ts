import { createHmac, timingSafeEqual } from 'node:crypto'
import { type Db, isDatabaseUnavailable, mediaRepository, pingDatabase } from '@dreamify/db'
import { sha256Hex } from './checksum.ts'
import { bucketedExpiry } from './expiry.ts'
import { type MediaPut, type MediaStore, MediaStoreUnavailableError, type StoredMedia } from './types.ts'

export interface SignedRouteOptions {
  /** the API's secret; the URL key is derived from it */
  secret: string
  ttlSeconds: number
  /** PUBLIC_URL, in front of the route (default: relative URLs) */
  publicUrl?: string
}

/**
 * HMAC-signed, expiring links to the API's media route (`GET /api/media/<key>`, the key URL-encoded): an <img src>
 * cannot send a bearer token, so the URL itself is the credential.
 */
export function createSignedMediaRoute({ secret, ttlSeconds, publicUrl = '' }: SignedRouteOptions) {
  const urlKey = createHmac('sha256', secret).update('dreamify media urls').digest()
  const signature = (key: string, expires: number) =>
    createHmac('sha256', urlKey).update(`${key}.${expires}`).digest('base64url')
  return {
    url(key: string, now = Date.now()): string {
      const { expires } = bucketedExpiry(ttlSeconds, now)
      return `${publicUrl}/api/media/${encodeURIComponent(key)}?expires=${expires}&sig=${signature(key, expires)}`
    },
    verify(key: string, expires: number, sig: string, now = Date.now()): boolean {
      if (!Number.isSafeInteger(expires) || expires * 1000 < now) return false
      const expected = Buffer.from(signature(key, expires))
      const given = Buffer.from(sig)
      return expected.length === given.length && timingSafeEqual(expected, given)
    },
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
        const checksum = sha256Hex(object.bytes)
        await mediaRepository.record(db, {
          key: object.key,
          kind: object.kind,
          content_type: object.contentType,
          byte_size: object.bytes.length,
          checksum,
          parent_id: object.parentId,
          child_id: object.childId ?? null,
          story_id: object.storyId ?? null,
          variant: object.variant ?? 'original',
          width: object.width ?? null,
          store: 'postgres',
          bytes: object.bytes,
        })
        return { key: object.key, checksum, byteSize: object.bytes.length }
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
