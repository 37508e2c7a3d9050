import { type Db, mediaRepository } from '@dreamify/db'
import { sha256Hex } from './checksum.ts'
import type { MediaStore } from './types.ts'

export interface MigrationProgress {
  done: number
  total: number
  /** objects copied by this run (the others were moved by an earlier, interrupted one) */
  moved: number
  bytes: number
}

export interface MigrateOptions {
  batch?: number
  /** uploads at once within a batch */
  concurrency?: number
  onProgress?: (progress: MigrationProgress) => void
}

/**
 * Moves every object whose bytes are in Postgres to the s3 store: batched by key, each object
 * uploaded under its own key, read back and checked against its recorded checksum, and only then
 * freed from Postgres (in a statement that checks the checksum again). The state is the records,
 * so an interrupted run resumes where it stopped, and a finished one finds nothing to do.
 */
export async function migrateMediaToS3(db: Db, target: MediaStore, options: MigrateOptions = {}) {
  if (target.name !== 's3') throw new Error('media migrate moves objects to the s3 store')
  const { batch = 50, concurrency = 4, onProgress } = options
  const counts = await mediaRepository.countByStore(db)
  const progress: MigrationProgress = { done: counts.s3, total: counts.s3 + counts.postgres, moved: 0, bytes: 0 }
  onProgress?.(progress)
  let after = ''
  for (;;) {
    const rows = await mediaRepository.postgresBatch(db, after, batch)
    if (rows.length === 0) break
    after = rows.at(-1)!.key
    for (let i = 0; i < rows.length; i += concurrency) {
      await Promise.all(
        rows.slice(i, i + concurrency).map(async (row) => {
          const bytes = row.bytes!
          if (sha256Hex(bytes) !== row.checksum)
            throw new Error(`${row.key}: its Postgres bytes do not match their checksum`)
          // the record keeps its Postgres bytes until the copy is verified
          await target.putBytes(row.key, row.content_type, bytes)
          const copy = await target.get(row.key)
          if (!copy || sha256Hex(copy.bytes) !== row.checksum)
            throw new Error(`${row.key}: the store's copy does not match the checksum; its Postgres bytes are kept`)
          if (await mediaRepository.movedToS3(db, row.key, row.checksum)) {
            progress.moved++
            progress.bytes += bytes.length
          }
          progress.done++
          onProgress?.(progress)
        }),
      )
    }
  }
  return progress
}
