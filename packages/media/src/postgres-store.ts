import { type Db, isDatabaseUnavailable, mediaRepository, pingDatabase } from '@dreamify/db'
import { mediaRecordOf } from './record.ts'
import type { SignedMediaRoute } from './signed-links.ts'
import { type MediaPut, type MediaStore, MediaStoreUnavailableError, type StoredMedia } from './types.ts'

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
