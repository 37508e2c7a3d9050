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

const PATH = '/api/media'
/** The URL key is derived from the API's secret for this purpose alone, so no other HMAC of it verifies here. */
const PURPOSE = 'dreamify media urls'

/**
 * Links to the API's media route (`GET /api/media/<key>?expires=…&sig=…`, the key URL-encoded), for
 * objects stored in Postgres: an HMAC over `<key>.<expires>`. The expiry is rounded up to the next
 * TTL bucket, so one object keeps one URL across polls and stays cacheable; the check is
 * constant-time, and false once the link has expired.
 */
export function createSignedMediaRoute({ secret, ttlSeconds, publicUrl = '' }: SignedRouteOptions) {
  const linkKey = createHmac('sha256', secret).update(PURPOSE).digest()
  const sign = (key: string, expires: number) =>
    createHmac('sha256', linkKey).update(`${key}.${expires}`).digest('base64url')
  return {
    url(key: string, now = Date.now()): string {
      const { expires } = bucketedExpiry(ttlSeconds, now)
      // toWellFormed: a malformed key (a lone surrogate) makes a link that is refused, not a throw.
      return `${publicUrl}${PATH}/${encodeURIComponent(key.toWellFormed())}?expires=${expires}&sig=${sign(key, expires)}`
    },
    verify(key: string, expires: number, sig: string, now = Date.now()): boolean {
      if (!Number.isSafeInteger(expires) || expires * 1000 < now) return false
      const expected = Buffer.from(sign(key, expires))
      const given = Buffer.from(sig)
      return expected.length === given.length && timingSafeEqual(expected, given)
    },
  }
}

export type SignedMediaRoute = ReturnType<typeof createSignedMediaRoute>
