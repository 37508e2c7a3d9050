import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Signed, expiring image (and narration audio) URLs: a browser's <img src> cannot send a bearer token. The expiry is
 * rounded up to the next TTL bucket, so one image keeps one URL across polls and stays cacheable.
 */
export function createImageUrlSigner(secret: string, ttlSeconds: number, publicUrl = '') {
  const key = createHmac('sha256', secret).update('dreamify image urls').digest()
  const signature = (imageId: string, expires: number) =>
    createHmac('sha256', key).update(`${imageId}.${expires}`).digest('base64url')
  // Audio is signed apart (another prefix), so an image's link never opens an audio file or the reverse.
  const audioSignature = (audioId: string, expires: number) =>
    createHmac('sha256', key).update(`audio.${audioId}.${expires}`).digest('base64url')
  const expiry = (now: number) => (Math.floor(Math.floor(now / 1000) / ttlSeconds) + 2) * ttlSeconds
  const matches = (expected: string, sig: string, expires: number, now: number) => {
    if (!Number.isSafeInteger(expires) || expires * 1000 < now) return false
    const want = Buffer.from(expected)
    const given = Buffer.from(sig)
    return want.length === given.length && timingSafeEqual(want, given)
  }

  return {
    url(imageId: string, now = Date.now()): string {
      const nowSeconds = Math.floor(now / 1000)
      const expires = (Math.floor(nowSeconds / ttlSeconds) + 2) * ttlSeconds
      return `${publicUrl}/api/images/${imageId}?expires=${expires}&sig=${signature(imageId, expires)}`
    },
    verify(imageId: string, expires: number, sig: string, now = Date.now()): boolean {
      return matches(signature(imageId, expires), sig, expires, now)
    },
    /** A chapter's narration, signed and expiring like an image. */
    audioUrl(audioId: string, now = Date.now()): string {
      const expires = expiry(now)
      return `${publicUrl}/api/audio/${audioId}?expires=${expires}&sig=${audioSignature(audioId, expires)}`
    },
    verifyAudio(audioId: string, expires: number, sig: string, now = Date.now()): boolean {
      return matches(audioSignature(audioId, expires), sig, expires, now)
    },
  }
}

export type ImageUrlSigner = ReturnType<typeof createImageUrlSigner>
