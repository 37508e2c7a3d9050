import type { MediaKind, MediaStoreName } from '@dreamify/db'

/** An object to store: any kind of media (images now, narration audio later), with its owners. */
export interface MediaPut {
  /** deterministic (see keys.ts): a retried step writes the same key, never a second object */
  key: string
  kind: MediaKind
  contentType: string
  bytes: Buffer
  parentId: string
  childId?: string | null
  storyId?: string | null
  /** `original` (default) or a variant's name, such as `w512` */
  variant?: string
  width?: number | null
}

export interface StoredMedia {
  key: string
  checksum: string
  byteSize: number
}

export interface MediaBytes {
  bytes: Buffer
  contentType: string
}

/**
 * Where media bytes live. Postgres keeps every object's record (media_objects: owners, kind,
 * content type, size, checksum, key); a store keeps the bytes.
 *
 * Writing is `put` (the record, unsettled, then the bytes), then the caller settles the record
 * with the row that owns it (`mediaRepository.settle`, or in the settling statement itself). An
 * object never settled is swept by the housekeeping. Deleting is deleting the record (or its
 * owner: the foreign keys cascade); a trigger queues the bytes, which the housekeeping deletes
 * with `delete`, retrying until it succeeds.
 */
export interface MediaStore {
  readonly name: MediaStoreName
  /** Records the object (unsettled) and stores its bytes; the same key again overwrites. */
  put(object: MediaPut): Promise<StoredMedia>
  /** Stores bytes under a key whose record exists already, leaving the record as it is (moving objects between stores). */
  putBytes(key: string, contentType: string, bytes: Buffer): Promise<void>
  /** The bytes by key (undefined when there is no such object). */
  get(key: string): Promise<MediaBytes | undefined>
  /** Removes the bytes from the store (a missing object is not an error). */
  delete(key: string): Promise<void>
  /**
   * A URL a browser can fetch the object from without a bearer token: a presigned GET for `s3`, a
   * signed API route for `postgres`. The expiry is bucketed, so the URL is stable across polls.
   */
  url(key: string, now?: number): Promise<string>
  /** Resolves when the store answers (readiness). */
  check(): Promise<void>
}

/** The store is unreachable or failing: a transient error (workers retry; the API answers 503). */
export class MediaStoreUnavailableError extends Error {
  readonly store: MediaStoreName
  constructor(store: MediaStoreName, operation: string, cause: unknown) {
    super(`media store ${store} failed to ${operation}: ${(cause as Error)?.message ?? String(cause)}`, { cause })
    this.name = 'MediaStoreUnavailableError'
    this.store = store
  }
}
