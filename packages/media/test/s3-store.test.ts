import { type Db, mediaRepository, sql } from '@dreamify/db'
import { startS3Server, type TestS3Server } from '@dreamify/testkit'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testConfig } from '../../../test/support/api.ts'
import { createTestDatabase } from '../../../test/support/database.ts'
import { aFamily } from '../../../test/support/families.ts'
import {
  createMediaStores,
  type MediaStore,
  type MediaStores,
  MediaStoreUnavailableError,
  makeVariants,
  mediaOrigins,
  runMediaHousekeeping,
  sha256Hex,
  storeImage,
  storeVariants,
} from '../src/index.ts'

// The s3 store with the real AWS SDK against a real S3-protocol server (s3rver behind a proxy that
// checks SigV4 signatures), and the media housekeeping on the test file's own database.
let db: Db
let s3: TestS3Server
let stores: MediaStores
let store: MediaStore
let family: { parentId: string; childId: string }
const TTL = 3600

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 30, g: 60, b: 120 } } })
    .png()
    .toBuffer()

beforeAll(async () => {
  db = (await createTestDatabase()).db
  s3 = await startS3Server()
  stores = createMediaStores(db, testConfig({ ...s3.env, IMAGE_URL_TTL_SECONDS: String(TTL) }))
  store = stores.store
  family = await aFamily(db)
})
afterAll(() => s3?.stop())

const anImage = (key: string, bytes: Buffer) => ({
  key,
  kind: 'image' as const,
  contentType: 'image/png',
  bytes,
  parentId: family.parentId,
  childId: family.childId,
})

describe('the s3 store', () => {
  it('stores bytes in the bucket and only the record in Postgres; the same key again overwrites', async () => {
    expect(store.name).toBe('s3')
    const first = await store.put(anImage('tests/one/original.png', Buffer.from('first')))
    await store.put(anImage('tests/one/original.png', Buffer.from('second')))
    expect(s3.keys().filter((key) => key.startsWith('tests/one/'))).toEqual(['tests/one/original.png'])
    expect((await store.get('tests/one/original.png'))?.bytes.toString()).toBe('second')
    const record = await mediaRepository.find(db, 'tests/one/original.png')
    expect(record).toMatchObject({
      store: 's3',
      bytes: null,
      byte_size: 6,
      checksum: sha256Hex(Buffer.from('second')),
      settled_at: null,
    })
    expect(first.checksum).toBe(sha256Hex(Buffer.from('first')))
    expect(await store.get('tests/none.png')).toBeUndefined()
  })

  it('gives presigned URLs that stay the same within a bucket of the TTL, and serve the bytes', async () => {
    await store.put(anImage('tests/url/original.png', Buffer.from('pixels')))
    const now = Date.now()
    const url = await store.url('tests/url/original.png', now)
    expect(await store.url('tests/url/original.png', now + 1000)).toBe(url)
    expect(url).toContain('X-Amz-Signature=')
    const answer = await fetch(url)
    expect(answer.status).toBe(200)
    expect(await answer.text()).toBe('pixels')
  })

  it('refuses a presigned URL that was tampered with or has expired', async () => {
    await store.put(anImage('tests/tamper/original.png', Buffer.from('secret')))
    await store.put(anImage('tests/tamper/other.png', Buffer.from('other')))
    const url = await store.url('tests/tamper/original.png')
    const refusedBefore = s3.refused.length
    expect((await fetch(url.replace('original.png', 'other.png'))).status).toBe(403)
    expect((await fetch(url.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=86400'))).status).toBe(403)
    expect((await fetch(url.replace(/X-Amz-Signature=[0-9a-f]/, 'X-Amz-Signature=g'))).status).toBe(403)
    const unsigned = new URL(url)
    unsigned.search = ''
    expect((await fetch(unsigned)).status).toBe(403)
    // signed three TTLs ago: its bucket ended a TTL ago
    const expired = await store.url('tests/tamper/original.png', Date.now() - 3 * TTL * 1000)
    expect((await fetch(expired)).status).toBe(403)
    expect(s3.refused.length - refusedBefore).toBe(5)
    expect((await fetch(url)).status).toBe(200)
  })

  it('signs for S3_PUBLIC_ENDPOINT when browsers reach the store at another name than the workers', async () => {
    const publicEndpoint = s3.endpoint.replace('127.0.0.1', 'localhost')
    const config = testConfig({ ...s3.env, S3_PUBLIC_ENDPOINT: publicEndpoint, IMAGE_URL_TTL_SECONDS: String(TTL) })
    const outside = createMediaStores(db, config).store
    await outside.put(anImage('tests/public/original.png', Buffer.from('seen from outside')))
    const url = await outside.url('tests/public/original.png')
    expect(new URL(url).origin).toBe(new URL(publicEndpoint).origin)
    expect(await (await fetch(url)).text()).toBe('seen from outside')
    // The host is part of the signature: the same URL sent to the workers' name is refused.
    expect((await fetch(url.replace('localhost', '127.0.0.1'))).status).toBe(403)
    expect(mediaOrigins(config.media)).toEqual([new URL(publicEndpoint).origin])
  })

  it('is a transient error while the store is down, and works again when it is back', async () => {
    await s3.down()
    try {
      await expect(store.put(anImage('tests/down/original.png', Buffer.from('x')))).rejects.toBeInstanceOf(
        MediaStoreUnavailableError,
      )
      await expect(store.check()).rejects.toBeInstanceOf(MediaStoreUnavailableError)
    } finally {
      await s3.up()
    }
    await store.check()
    await store.put(anImage('tests/down/original.png', Buffer.from('x')))
    expect((await store.get('tests/down/original.png'))?.bytes.toString()).toBe('x')
  })
})

describe('variants', () => {
  it('makes WebP at 512 and 1024 wide from a larger picture, keeping its aspect', async () => {
    const { original, variants } = await makeVariants(await png(1536, 1024))
    expect(original).toEqual({ width: 1536, height: 1024 })
    expect(variants.map((v) => [v.name, v.width, v.height, v.contentType])).toEqual([
      ['w512', 512, 341, 'image/webp'],
      ['w1024', 1024, 683, 'image/webp'],
    ])
    for (const variant of variants) {
      const meta = await sharp(variant.bytes).metadata()
      expect([meta.format, meta.width]).toEqual(['webp', variant.width])
    }
  })

  it('never upscales: a picture narrower than a variant keeps its own width, made once', async () => {
    const { variants } = await makeVariants(await png(300, 200))
    expect(variants.map((v) => [v.name, v.width, v.height])).toEqual([['w512', 300, 200]])
  })

  it('stores the original, then its variants beside it, under deterministic keys, and their records', async () => {
    const bytes = await png(1024, 1024)
    const folder = 'tests/stored'
    const owners = { parentId: family.parentId, childId: family.childId }
    const image = { bytes, contentType: 'image/png', ...owners, folder }
    const stored = await storeImage(store, image)
    expect(await storeImage(store, image)).toEqual(stored)
    expect(stored).toEqual({ content_type: 'image/png', byte_size: bytes.length, keys: ['tests/stored/original.png'] })
    const original = { key: 'tests/stored/original.png', bytes, ...owners }
    const variants = await storeVariants(store, original)
    expect(await storeVariants(store, original)).toEqual(variants)
    expect(variants).toEqual({ keys: ['tests/stored/w512.webp', 'tests/stored/w1024.webp'], originalWidth: 1024 })
    expect(s3.keys().filter((key) => key.startsWith('tests/stored/'))).toEqual([
      'tests/stored/original.png',
      'tests/stored/w1024.webp',
      'tests/stored/w512.webp',
    ])
    const rows = await db
      .selectFrom('media_objects')
      .select(['variant', 'width', 'content_type'])
      .where('key', 'like', 'tests/stored/%')
      .orderBy('key')
      .execute()
    // the original's width is recorded with the settle of its variants (settleVariants), not here
    expect(rows).toEqual([
      { variant: 'original', width: null, content_type: 'image/png' },
      { variant: 'w1024', width: 1024, content_type: 'image/webp' },
      { variant: 'w512', width: 512, content_type: 'image/webp' },
    ])
  })

  it('makes no variants of a picture sharp cannot read: its original serves alone', async () => {
    const bytes = Buffer.from('not a picture')
    const folder = 'tests/unreadable'
    const owners = { parentId: family.parentId, childId: family.childId }
    const stored = await storeImage(store, { bytes, contentType: 'image/png', ...owners, folder })
    expect(stored.keys).toEqual(['tests/unreadable/original.png'])
    expect(await storeVariants(store, { key: stored.keys[0], bytes, ...owners })).toEqual({
      keys: [],
      originalWidth: null,
    })
  })
})

describe('the media housekeeping', () => {
  it('sweeps objects no step settled once the grace period is over, and leaves settled ones', async () => {
    await store.put(anImage('tests/orphan/original.png', Buffer.from('orphan')))
    await store.put(anImage('tests/settled/original.png', Buffer.from('kept')))
    await mediaRepository.settle(db, ['tests/settled/original.png'])
    // within the grace period: nothing is swept
    expect((await runMediaHousekeeping(db, stores, { orphanGraceSeconds: 3600 })).swept).toBe(0)
    await sql`update media_objects set created_at = now() - interval '2 hours' where key like 'tests/%'`.execute(db)
    const result = await runMediaHousekeeping(db, stores, { orphanGraceSeconds: 3600 })
    expect(result.swept).toBeGreaterThanOrEqual(1)
    expect(s3.keys()).not.toContain('tests/orphan/original.png')
    expect(s3.keys()).toContain('tests/settled/original.png')
    expect(await mediaRepository.find(db, 'tests/orphan/original.png')).toBeUndefined()
  })

  it('deletes the objects of deleted records, retrying a deletion that failed while the store was down', async () => {
    await store.put(anImage('tests/deleted/original.png', Buffer.from('gone')))
    await mediaRepository.settle(db, ['tests/deleted/original.png'])
    await db.deleteFrom('media_objects').where('key', '=', 'tests/deleted/original.png').execute()
    expect(s3.keys()).toContain('tests/deleted/original.png')
    await s3.down()
    try {
      const failed = await runMediaHousekeeping(db, stores, { orphanGraceSeconds: 3600 })
      expect(failed).toMatchObject({ deleted: 0, failed: 1 })
    } finally {
      await s3.up()
    }
    const queued = await db.selectFrom('media_deletions').selectAll().executeTakeFirstOrThrow()
    expect(queued).toMatchObject({ key: 'tests/deleted/original.png', attempts: 1 })
    await sql`update media_deletions set next_attempt_at = now()`.execute(db)
    expect(await runMediaHousekeeping(db, stores, { orphanGraceSeconds: 3600 })).toMatchObject({
      deleted: 1,
      failed: 0,
    })
    expect(s3.keys()).not.toContain('tests/deleted/original.png')
    expect(await mediaRepository.pendingDeletions(db)).toBe(0)
  })

  it('deletes every object of a parent whose account is erased (the foreign keys cascade)', async () => {
    const other = await aFamily(db)
    const folder = 'tests/erased'
    const stored = await storeImage(store, {
      bytes: await png(600, 600),
      contentType: 'image/png',
      parentId: other.parentId,
      childId: other.childId,
      folder,
    })
    const variants = await storeVariants(store, { key: stored.keys[0], bytes: await png(600, 600), ...other })
    await mediaRepository.settle(db, [...stored.keys, ...variants.keys])
    await db.deleteFrom('parents').where('id', '=', other.parentId).execute()
    expect(await runMediaHousekeeping(db, stores, { orphanGraceSeconds: 3600 })).toMatchObject({ deleted: 3 })
    expect(s3.keys().filter((key) => key.startsWith('tests/erased/'))).toEqual([])
  })
})
