import { createHash } from 'node:crypto'
import { AppError, withTimeout } from '@dreamify/core'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'

// A Redis command that takes longer than this counts as Redis being unavailable.
const REDIS_TIMEOUT_MS = 500

export interface RateLimiterDeps {
  /** the producer connection: it fails fast (no offline queue) while Redis is away */
  redis: Redis
  /** keys live under `${prefix}:ratelimit:` */
  prefix: string
  logger: FastifyBaseLogger
}

export interface Window {
  /** the counter's name, e.g. `login-ip` */
  name: string
  /** what is counted: an IP address or an account's email (hashed into the key, so Redis holds neither) */
  id: string
  /** at most this many per window; 0 means unlimited */
  limit: number
  windowMs: number
}

/**
 * Fixed-window counters in Redis, so every API instance shares them. Over the limit is a 429
 * RATE_LIMITED with Retry-After (seconds until the window ends).
 *
 * When Redis is unavailable the limiter fails open: it allows the request and logs at warn. Login
 * and registration need only Postgres, and a Redis outage must not lock every parent out of their
 * account; for that time the limits are simply not enforced.
 */
export function createRateLimiter({ redis, prefix, logger }: RateLimiterDeps) {
  const keyOf = (name: string, id: string) =>
    `${prefix}:ratelimit:${name}:${createHash('sha256').update(id).digest('base64url').slice(0, 32)}`

  async function guarded<T>(
    what: string,
    window: Pick<Window, 'name'>,
    command: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await withTimeout(command(), REDIS_TIMEOUT_MS, 'redis timed out')
    } catch (error) {
      logger.warn({ err: error, limit: window.name }, `rate limit ${what} skipped: Redis is unavailable (failing open)`)
      return undefined
    }
  }

  const tooMany = (window: Window, pttl: number) => {
    const seconds = Math.max(1, Math.ceil((pttl > 0 ? pttl : window.windowMs) / 1000))
    return new AppError('RATE_LIMITED', `too many attempts; try again in ${seconds} s`, {
      'retry-after': String(seconds),
    })
  }

  return {
    /** Counts one attempt; throws RATE_LIMITED when this one goes over the limit. */
    async hit(window: Window): Promise<void> {
      if (window.limit <= 0) return
      const key = keyOf(window.name, window.id)
      const result = await guarded('hit', window, async () => {
        // One round trip, atomic: the first hit of a window starts its expiry (NX, Redis 7+: later hits keep it).
        const replies = results(await redis.multi().incr(key).pexpire(key, window.windowMs, 'NX').pttl(key).exec())
        return { count: Number(replies[0]![1]), pttl: Number(replies[2]![1]) }
      })
      if (result && result.count > window.limit) throw tooMany(window, result.pttl)
    },

    /** Clears a window (a successful login clears the account's failures). */
    async reset(window: Pick<Window, 'name' | 'id'>): Promise<void> {
      await guarded('reset', window, () => redis.del(keyOf(window.name, window.id)))
    },
  }
}

/** The replies of an EXEC, or the first command's error (a failed command does not make exec() reject). */
function results(replies: Array<[Error | null, unknown]> | null): Array<[Error | null, unknown]> {
  if (!replies) throw new Error('redis transaction aborted')
  const failed = replies.find(([error]) => error)
  if (failed) throw failed[0]
  return replies
}

export type RateLimiter = ReturnType<typeof createRateLimiter>
