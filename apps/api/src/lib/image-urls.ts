import { createHmac, timingSafeEqual } from 'node:crypto'
import { type Db, mediaRepository } from '@dreamify/db'
import type { MediaStores } from '@dreamify/media'

/**
 * Signed, expiring image URLs: a browser's <img src> cannot send a bearer token. The expiry is
 * rounded up to the next TTL bucket, so one image keeps one URL across polls and stays cacheable.
 */
export function createImageUrlSigner(secret: string, ttlSeconds: number, publicUrl = '') {
  const key = createHmac('sha256', secret).update('dreamify image urls').digest()
  const signature = (imageId: string, expires: number) =>
    createHmac('sha256', key).update(`${imageId}.${expires}`).digest('base64url')

  return {
    url(imageId: string, now = Date.now()): string {
      const nowSeconds = Math.floor(now / 1000)
      const expires = (Math.floor(nowSeconds / ttlSeconds) + 2) * ttlSeconds
      return `${publicUrl}/api/images/${imageId}?expires=${expires}&sig=${signature(imageId, expires)}`
    },
    verify(imageId: string, expires: number, sig: string, now = Date.now()): boolean {
      if (!Number.isSafeInteger(expires) || expires * 1000 < now) return false
      const expected = Buffer.from(signature(imageId, expires))
      const given = Buffer.from(sig)
      return expected.length === given.length && timingSafeEqual(expected, given)
    },
  }
}

export type ImageUrlSigner = ReturnType<typeof createImageUrlSigner>

/** The URLs of the images in one answer: the original, its variants as a srcset, and the smallest. */
export interface ImageLinks {
  /** the original (PNG as drawn), for downloads and the PDF */
  url(imageId: string): string | null
  /** the WebP variants as an `<img srcset>` (`… 512w, … 1024w`), or null without variants */
  srcset(imageId: string): string | null
  /** the smallest variant (the library's cover), else the original */
  small(imageId: string): string | null
}

/**
 * Resolves the URLs of many images at once (one query for a whole story, library page or list of
 * children): each object's URL comes from the store its record names, a presigned GET for `s3`,
 * the API's signed media route for `postgres`; neither asks the store anything.
 */
export function createImageLinker(db: Db, media: Pick<MediaStores, 'byName'>) {
  return async function linksFor(imageIds: ReadonlyArray<string | null | undefined>): Promise<ImageLinks> {
    const ids = [...new Set(imageIds.filter((id): id is string => typeof id === 'string'))]
    const objects = await mediaRepository.objectsOfImages(db, ids)
    const byImage = new Map<string, { original?: string; variants: Array<{ url: string; width: number }> }>()
    await Promise.all(
      objects.map(async (object) => {
        const url = await media.byName(object.store).url(object.key)
        const entry = byImage.get(object.image_id) ?? { variants: [] }
        byImage.set(object.image_id, entry)
        if (object.variant === 'original') entry.original = url
        else if (object.width !== null) entry.variants.push({ url, width: object.width })
      }),
    )
    for (const entry of byImage.values()) entry.variants.sort((a, b) => a.width - b.width)
    return {
      url: (id) => byImage.get(id)?.original ?? null,
      srcset: (id) => {
        const variants = byImage.get(id)?.variants ?? []
        return variants.length ? variants.map((v) => `${v.url} ${v.width}w`).join(', ') : null
      },
      small: (id) => {
        const entry = byImage.get(id)
        return entry?.variants[0]?.url ?? entry?.original ?? null
      },
    }
  }
}

export type ImageLinker = ReturnType<typeof createImageLinker>
