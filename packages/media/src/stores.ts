import type { Config } from '@dreamify/core'
import { type Db, imageRepository, type MediaStoreName } from '@dreamify/db'
import type { Registry } from 'prom-client'
import { createMediaMetrics, measuredStore } from './metrics.ts'
import { createPostgresMediaStore } from './postgres-store.ts'
import { createS3MediaStore } from './s3-store.ts'
import { createSignedMediaRoute, type SignedMediaRoute } from './signed-links.ts'
import type { MediaBytes, MediaStore } from './types.ts'

/**
 * The process's stores: `store` is where new objects are written (MEDIA_STORE); `byName` reads
 * each object from the store its record names, so a database part way through `media migrate`
 * serves both kinds. The postgres store is always there: it is the database.
 */
export interface MediaStores {
  store: MediaStore
  byName(name: MediaStoreName): MediaStore
  /** the API's signed route (verifies the postgres store's URLs) */
  route: SignedMediaRoute
}

export function createMediaStores(
  db: Db,
  config: Pick<Config, 'media' | 'auth' | 'http'>,
  registry?: Registry,
): MediaStores {
  const metrics = registry ? createMediaMetrics(registry) : undefined
  const measured = (store: MediaStore) => (metrics ? measuredStore(store, metrics) : store)
  const route = createSignedMediaRoute({
    secret: config.auth.jwtSecret,
    ttlSeconds: config.auth.imageUrlTtlSeconds,
    publicUrl: config.http.publicUrl,
  })
  const postgres = measured(createPostgresMediaStore(db, route))
  const s3 = config.media.s3
    ? measured(
        createS3MediaStore(db, {
          s3: config.media.s3,
          ttlSeconds: config.auth.imageUrlTtlSeconds,
          publicMediaUrl: config.media.publicMediaUrl,
        }),
      )
    : undefined
  const store = config.media.store === 's3' ? s3! : postgres
  return {
    store,
    route,
    byName(name) {
      if (name === 'postgres') return postgres
      if (!s3) throw new Error('an object is stored in s3, but S3_BUCKET is not configured')
      return s3
    },
  }
}

/** Where browsers fetch media from besides the API itself (for the web app's CSP img-src). */
export function mediaOrigins(media: Config['media']): string[] {
  if (media.publicMediaUrl) return [new URL(media.publicMediaUrl).origin]
  if (!media.s3) return []
  const { bucket, region, forcePathStyle } = media.s3
  const endpoint = media.s3.publicEndpoint ?? media.s3.endpoint
  if (!endpoint)
    return [forcePathStyle ? `https://s3.${region}.amazonaws.com` : `https://${bucket}.s3.${region}.amazonaws.com`]
  const url = new URL(endpoint)
  return [forcePathStyle ? url.origin : `${url.protocol}//${bucket}.${url.host}`]
}

/** An image's original bytes, from the store its record names (undefined when there are none). */
export async function readImageOriginal(
  db: Db,
  media: Pick<MediaStores, 'byName'>,
  imageId: string,
): Promise<MediaBytes | undefined> {
  const original = await imageRepository.findOriginal(db, imageId)
  return original ? media.byName(original.store).get(original.key) : undefined
}
