import { createHash, randomBytes } from 'node:crypto'
import { AppError, notFound } from '@dreamify/core'
import { type Db, sessionRepository } from '@dreamify/db'
import { clientLabel } from './client-label.ts'
import type { SessionGuard } from './session-guard.ts'

/**
 * A refresh token presented again this soon after its rotation is a second tab (or a retried
 * request) that raced the first, not a thief: it gets a token of its own in the same session
 * instead of ending the session. Later, presenting it again is reuse, and the session ends.
 */
export const ROTATION_GRACE_MS = 10_000
const DAY_MS = 86_400_000

// 256 random bits; only their SHA-256 is stored, which is all a token this random needs.
const newToken = () => randomBytes(32).toString('base64url')
const hashOf = (token: string) => createHash('sha256').update(token).digest()

export interface IssuedSession {
  parentId: string
  sessionId: string
  refreshToken: string
  expiresAt: Date
}

export interface SessionServiceDeps {
  db: Db
  guard: SessionGuard
  sessionTtlDays: number
}

/** Sessions: sign-in, rotation with reuse detection, and every way a session ends. */
export function createSessionService({ db, guard, sessionTtlDays }: SessionServiceDeps) {
  async function end(sessionIds: string[]) {
    const ended = await sessionRepository.revokeFamilies(db, sessionIds)
    // Even ones already revoked in Postgres are told again: a process may have missed it.
    await guard.revoked(sessionIds)
    return ended
  }

  return {
    async start(parentId: string, userAgent: string | undefined): Promise<IssuedSession> {
      const refreshToken = newToken()
      await sessionRepository.prune(db, parentId)
      const session = await sessionRepository.start(db, {
        parent_id: parentId,
        token_hash: hashOf(refreshToken),
        client: clientLabel(userAgent),
        expires_at: new Date(Date.now() + sessionTtlDays * DAY_MS),
      })
      return { parentId, sessionId: session.family_id, refreshToken, expiresAt: session.expires_at }
    },

    /** Exchanges a refresh token for the next one of its session. */
    async rotate(refreshToken: string, userAgent: string | undefined): Promise<IssuedSession> {
      const next = newToken()
      const outcome = await db.transaction().execute(async (tx) => {
        const row = await sessionRepository.findForRefresh(tx, hashOf(refreshToken))
        if (!row || row.family_revoked) return 'revoked' as const
        if (row.expires_at.getTime() <= Date.now()) return 'expired' as const
        if (row.rotated_at && Date.now() - row.rotated_at.getTime() > ROTATION_GRACE_MS) {
          await sessionRepository.revokeFamilies(tx, [row.family_id])
          return { reusedFamily: row.family_id }
        }
        await sessionRepository.markRotated(tx, row.id)
        await sessionRepository.addToFamily(tx, {
          parent_id: row.parent_id,
          family_id: row.family_id,
          token_hash: hashOf(next),
          client: clientLabel(userAgent),
          expires_at: row.expires_at,
        })
        return { parentId: row.parent_id, sessionId: row.family_id, refreshToken: next, expiresAt: row.expires_at }
      })
      if (outcome === 'expired') throw new AppError('SESSION_EXPIRED', 'the session has expired; sign in again')
      if (outcome === 'revoked') throw new AppError('SESSION_REVOKED', 'the session has ended; sign in again')
      if (outcome.reusedFamily !== undefined) {
        // Reuse: whoever holds the rotated token, thief or victim, the session is over for both.
        await guard.revoked([outcome.reusedFamily])
        throw new AppError('SESSION_REVOKED', 'the session has ended; sign in again')
      }
      return outcome as IssuedSession
    },

    list: async (parentId: string, currentSessionId: string) =>
      (await sessionRepository.listLive(db, parentId)).map((s) => ({ ...s, current: s.id === currentSessionId })),

    /** One session of the parent's; another parent's id is a 404, like a missing one. */
    async endOwned(parentId: string, sessionId: string) {
      const own = await sessionRepository.liveFamilyIds(db, parentId)
      if (!own.includes(sessionId)) throw notFound('session')
      await end([sessionId])
    },

    /** Every session of the parent's but one (none, for `keep` undefined). */
    async endAllBut(parentId: string, keep: string | undefined) {
      const own = await sessionRepository.liveFamilyIds(db, parentId)
      await end(own.filter((id) => id !== keep))
    },

    end: (sessionId: string) => end([sessionId]),

    /** For account deletion: the rows go with the parent, so the processes are told first. */
    async forgetAll(parentId: string) {
      await guard.revoked(await sessionRepository.liveFamilyIds(db, parentId))
    },
  }
}

export type SessionService = ReturnType<typeof createSessionService>
