import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import type { S3Settings } from '@dreamify/core'
import { type Db, mediaRepository } from '@dreamify/db'
import { sha256Hex } from './checksum.ts'
import { bucketedExpiry } from './expiry.ts'
import { mediaRecordOf } from './record.ts'
import { type MediaPut, type MediaStore, MediaStoreUnavailableError, type StoredMedia } from './types.ts'

export interface S3StoreOptions {
  s3: S3Settings
  ttlSeconds: number
  /** PUBLIC_MEDIA_URL: a CDN base the presigned path and query are put under */
  publicMediaUrl?: string
  /** how long one request may take before the store counts as down */
  requestTimeoutMs?: number
}

/** The official SDK's client for any S3-compatible store (AWS S3, R2, MinIO, GCS's S3 interface). */
export function createS3Client(s3: S3Settings, requestTimeoutMs = 10_000): S3Client {
  return new S3Client({
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: s3.forcePathStyle,
    credentials:
      s3.accessKeyId && s3.secretAccessKey
        ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }
        : undefined,
    // Checksums only where S3 requires them: the record keeps our own sha256 of every object.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // The step's own retries (BullMQ's backoff) handle an outage; the SDK tries twice within one.
    maxAttempts: 2,
    requestHandler: { connectionTimeout: Math.min(requestTimeoutMs, 3000), requestTimeout: requestTimeoutMs },
  })
}

/** A store failure that means the object does not exist (a 404), as opposed to the store being down. */
function isMissing(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404)
}

/**
 * Bytes in S3-compatible object storage, records in Postgres. Reads never pass through the API:
 * browsers get presigned GET URLs, signed at the start of the expiry's bucket, so the URL stays the
 * same across polls.
 */
export function createS3MediaStore(
  db: Db,
  options: S3StoreOptions,
  client = createS3Client(options.s3, options.requestTimeoutMs),
): MediaStore & { client: S3Client } {
  const { bucket } = options.s3
  const ttl = Math.min(options.ttlSeconds, 302_400)
  const guard = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run()
    } catch (error) {
      if (error instanceof MediaStoreUnavailableError) throw error
      throw new MediaStoreUnavailableError('s3', operation, error)
    }
  }
  // Signing is offline: a client of its own signs for the endpoint browsers reach, so that the
  // Host in the signature is the one their requests carry.
  const { publicEndpoint } = options.s3
  const signer = publicEndpoint ? createS3Client({ ...options.s3, endpoint: publicEndpoint }) : client
  const presigned = new Map<string, string>()
  const upload = (key: string, contentType: string, bytes: Buffer, checksum: string) =>
    guard('put', async () => {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: bytes,
          ContentType: contentType,
          ContentLength: bytes.length,
          CacheControl: 'private, max-age=31536000, immutable',
          Metadata: { sha256: checksum },
        }),
      )
    })
  return {
    name: 's3',
    client,
    async put(object: MediaPut): Promise<StoredMedia> {
      const record = mediaRecordOf(object, 's3', null)
      // The record first: an upload whose step never settles is then found and swept.
      await mediaRepository.record(db, record)
      await upload(object.key, object.contentType, object.bytes, record.checksum)
      return { key: object.key, checksum: record.checksum, byteSize: record.byte_size }
    },
    putBytes: (key, contentType, bytes) => upload(key, contentType, bytes, sha256Hex(bytes)),
    get: (key) =>
      guard('get', async () => {
        try {
          const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
          const bytes = Buffer.from(await answer.Body!.transformToByteArray())
          return { bytes, contentType: answer.ContentType ?? 'application/octet-stream' }
        } catch (error) {
          if (isMissing(error)) return undefined
          throw error
        }
      }),
    delete: (key) =>
      guard('delete', async () => void (await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })))),
    async url(key, now = Date.now()) {
      const { signedAt, expires } = bucketedExpiry(ttl, now)
      const cacheKey = `${key}\n${signedAt}`
      let url = presigned.get(cacheKey)
      if (url === undefined) {
        url = await getSignedUrl(signer, new GetObjectCommand({ Bucket: bucket, Key: key }), {
          signingDate: new Date(signedAt * 1000),
          expiresIn: expires - signedAt,
        })
        if (options.publicMediaUrl) {
          const signed = new URL(url)
          url = `${options.publicMediaUrl}/${key}${signed.search}`
        }
        if (presigned.size >= 10_000) presigned.clear()
        presigned.set(cacheKey, url)
      }
      return url
    },
    check: () => guard('check', async () => void (await client.send(new HeadBucketCommand({ Bucket: bucket })))),
  }
}
