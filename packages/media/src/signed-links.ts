// Signed, expiring links: the credential of a URL that an <img src> or <audio src> loads, since
// those cannot send a bearer token.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { bucketedExpiry } from './expiry.ts'

export interface SignedRouteOptions {
  /** the API's secret; the URL key is derived from it */
  secret: string
  ttlSeconds: number
  /** PUBLIC_URL, in front of the route (default: relative URLs) */
  publicUrl?: string
}

/**
 * The credential of a signed, expiring link: an HMAC over `<id>.<expires>` under a key derived
 * from the secret for one `purpose` (so a link of one kind never verifies as another), and its
 * constant-time check, false once the link has expired.
 */
export function createLinkSignature(secret: string, purpose: string) {
  const linkKey = createHmac('sha256', secret).update(purpose).digest()
  const sign = (id: string, expires: number) =>
    createHmac('sha256', linkKey).update(`${id}.${expires}`).digest('base64url')
  return {
    sign,
    verify(id: string, expires: number, sig: string, now = Date.now()): boolean {
      if (!Number.isSafeInteger(expires) || expires * 1000 < now) return false
      const expected = Buffer.from(sign(id, expires))
      const given = Buffer.from(sig)
      return expected.length === given.length && timingSafeEqual(expected, given)
    },
  }
}

/**
 * HMAC-signed, expiring links to the API's media route (`GET /api/media/<key>`, the key URL-encoded): an <img src>
 * cannot send a bearer token, so the URL itself is the credential.
 */
export function createSignedMediaRoute({ secret, ttlSeconds, publicUrl = '' }: SignedRouteOptions) {
  const signature = createLinkSignature(secret, 'dreamify media urls')
  return {
    url(key: string, now = Date.now()): string {
      const { expires } = bucketedExpiry(ttlSeconds, now)
      return `${publicUrl}/api/media/${encodeURIComponent(key)}?expires=${expires}&sig=${signature.sign(key, expires)}`
    },
    verify: signature.verify,
  }
}

export type SignedMediaRoute = ReturnType<typeof createSignedMediaRoute>
