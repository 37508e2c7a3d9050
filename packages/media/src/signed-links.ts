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
 * Links to one of the API's routes (`<path>/<id>?expires=…&sig=…`, the id URL-encoded), signed with
 * an HMAC over `<id>.<expires>` under a key derived from the secret for one `purpose` (so a link of
 * one kind never verifies as another). The expiry is rounded up to the next TTL bucket, so one
 * object keeps one URL across polls and stays cacheable; the check is constant-time, and false once
 * the link has expired.
 */
export function createSignedLinks({
  secret,
  ttlSeconds,
  publicUrl = '',
  purpose,
  path,
}: SignedRouteOptions & { purpose: string; path: string }) {
  const linkKey = createHmac('sha256', secret).update(purpose).digest()
  const sign = (id: string, expires: number) =>
    createHmac('sha256', linkKey).update(`${id}.${expires}`).digest('base64url')
  return {
    url(id: string, now = Date.now()): string {
      const { expires } = bucketedExpiry(ttlSeconds, now)
      // toWellFormed: a malformed id (a lone surrogate) makes a link that is refused, not a throw.
      return `${publicUrl}${path}/${encodeURIComponent(id.toWellFormed())}?expires=${expires}&sig=${sign(id, expires)}`
    },
    verify(id: string, expires: number, sig: string, now = Date.now()): boolean {
      if (!Number.isSafeInteger(expires) || expires * 1000 < now) return false
      const expected = Buffer.from(sign(id, expires))
      const given = Buffer.from(sig)
      return expected.length === given.length && timingSafeEqual(expected, given)
    },
  }
}

/** Links to the API's media route (`GET /api/media/<key>`), for objects stored in Postgres. */
export function createSignedMediaRoute(options: SignedRouteOptions) {
  return createSignedLinks({ ...options, purpose: 'dreamify media urls', path: '/api/media' })
}

export type SignedMediaRoute = ReturnType<typeof createSignedMediaRoute>
