import { type Db, sessionRepository } from '@dreamify/db'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'

/**
 * How long a "this session is live" answer from Postgres is believed. A revocation reaches every
 * API process at once through Redis; this bounds the delay when that message is lost (Redis away),
 * and it is what keeps polls cheap: one query per session per process every few seconds at most.
 */
export const SESSION_CHECK_CACHE_MS = 4000
/** how many sessions' answers a process keeps (the oldest go first) */
const MAX_CACHED = 50_000

export interface SessionGuardDeps {
  db: Db
  /** the producer connection: revocations are published with it, and the subscriber is a duplicate */
  redis: Redis
  prefix: string
  /** an access token's lifetime: a revoked session is remembered that long, after which its tokens are dead anyway */
  tokenTtlSeconds: number
  logger: FastifyBaseLogger
}

export const revocationChannel = (prefix: string) => `${prefix}:session-revocations`

/**
 * Decides whether an access token's session (`sid`) is still live, on every request, without a
 * Postgres round trip for each: revoked sessions are held in a per-process set that every process
 * fills from a Redis channel, and live answers are cached for a few seconds.
 */
export function createSessionGuard({ db, redis, prefix, tokenTtlSeconds, logger }: SessionGuardDeps) {
  const channel = revocationChannel(prefix)
  /** sid → until when it must be refused (insertion order is time order, so pruning reads from the front) */
  const revoked = new Map<string, number>()
  /** sid → when Postgres last said it is live */
  const live = new Map<string, number>()
  const lookups = new Map<string, Promise<boolean>>()
  let subscriber: Redis | undefined
  let closed = false

  function remember(sids: string[]) {
    const now = Date.now()
    for (const [sid, until] of revoked) {
      if (until > now) break
      revoked.delete(sid)
    }
    for (const sid of sids) {
      revoked.delete(sid)
      revoked.set(sid, now + tokenTtlSeconds * 1000 + SESSION_CHECK_CACHE_MS)
      live.delete(sid)
    }
  }

  // Opened at the first check, not when the app is built: building opens no connection.
  function subscribe() {
    if (subscriber || closed) return
    subscriber = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null })
    subscriber.on('error', () => {})
    subscriber.on('message', (_channel: string, message: string) => remember(message.split(',')))
    subscriber.subscribe(channel).catch((error: unknown) => {
      logger.warn({ err: error }, 'could not subscribe to session revocations; relying on the short cache')
    })
  }

  async function lookUp(sid: string): Promise<boolean> {
    const isLive = await sessionRepository.isLive(db, sid)
    // A revocation that arrived while Postgres was asked wins over the answer.
    if (isLive && !revoked.has(sid)) {
      if (live.size >= MAX_CACHED) live.delete(live.keys().next().value as string)
      live.set(sid, Date.now())
    }
    return isLive && !revoked.has(sid)
  }

  return {
    async isLive(sid: string): Promise<boolean> {
      subscribe()
      // Revocation is for good, so a sid held here needs no second opinion.
      if (revoked.has(sid)) return false
      const checkedAt = live.get(sid)
      if (checkedAt !== undefined && Date.now() - checkedAt < SESSION_CHECK_CACHE_MS) return true
      // Concurrent requests of one session share one query.
      let pending = lookups.get(sid)
      if (!pending) {
        pending = lookUp(sid).finally(() => lookups.delete(sid))
        lookups.set(sid, pending)
      }
      return pending
    },

    /** Refuses the sessions' access tokens here at once, and on every other process as soon as Redis tells it. */
    async revoked(sids: string[]): Promise<void> {
      if (sids.length === 0) return
      remember(sids)
      try {
        await redis.publish(channel, sids.join(','))
      } catch (error) {
        logger.warn({ err: error }, 'could not broadcast session revocations; other processes see them within seconds')
      }
    },

    async close() {
      closed = true
      subscriber?.disconnect()
    },
  }
}

export type SessionGuard = ReturnType<typeof createSessionGuard>
