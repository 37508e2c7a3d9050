import type { MediaRecord, MediaStoreName } from '@dreamify/db'
import { sha256Hex } from './checksum.ts'
import type { MediaPut } from './types.ts'

/**
 * The Postgres record of an object being put, the same for every store: only where the bytes live
 * differs (in the record itself for `postgres`, in the bucket for `s3`).
 */
export function mediaRecordOf(object: MediaPut, store: MediaStoreName, bytes: Buffer | null): MediaRecord {
  return {
    key: object.key,
    kind: object.kind,
    content_type: object.contentType,
    byte_size: object.bytes.length,
    checksum: sha256Hex(object.bytes),
    parent_id: object.parentId,
    child_id: object.childId ?? null,
    story_id: object.storyId ?? null,
    variant: object.variant ?? 'original',
    width: object.width ?? null,
    store,
    bytes,
  }
}
