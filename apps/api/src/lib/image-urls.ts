import { createHmac, timingSafeEqual } from 'node:crypto'

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
