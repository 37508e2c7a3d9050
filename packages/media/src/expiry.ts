/**
 * The bucketed expiry every media URL shares: the expiry is rounded up to the next TTL bucket
 * (plus one), so one object keeps one URL for at least a TTL, across polls, and caches well.
 */
export function bucketedExpiry(ttlSeconds: number, now = Date.now()): { signedAt: number; expires: number } {
  const bucket = Math.floor(Math.floor(now / 1000) / ttlSeconds)
  return { signedAt: bucket * ttlSeconds, expires: (bucket + 2) * ttlSeconds }
}
