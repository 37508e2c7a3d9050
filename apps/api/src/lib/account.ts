import { AppError, type Config, type UpdateMeBody } from '@dreamify/core'
import { type Db, parentRepository } from '@dreamify/db'
import { loginWindows, normaliseEmail } from './login-limits.ts'
import { hashPassword, verifyPassword } from './passwords.ts'
import type { RateLimiter } from './rate-limit.ts'
import type { SessionService } from './sessions.ts'

export interface AccountServiceDeps {
  db: Db
  sessions: SessionService
  rateLimiter: RateLimiter
  limits: Config['limits']
}

const accountGone = () => new AppError('UNAUTHORIZED', 'the account of this token no longer exists')

/** Changes to the signed-in parent's own account, each behind the current password where it matters. */
export function createAccountService({ db, sessions, rateLimiter, limits }: AccountServiceDeps) {
  const windows = loginWindows(limits)

  /** Checks the parent's password, counted against the login limits like a login is. */
  async function confirmPassword(parentId: string, ip: string, password: string, field: string) {
    await rateLimiter.hit(windows.perIp(ip))
    const parent = await parentRepository.findWithHash(db, parentId)
    if (!parent) throw accountGone()
    const account = windows.perAccount(parent.email)
    await rateLimiter.hit(account)
    if (!(await verifyPassword(parent.password_hash, password)))
      throw new AppError('FORBIDDEN', `body.${field} is incorrect`)
    await rateLimiter.reset(account)
    return parent
  }

  return {
    confirmPassword,

    async profile(parentId: string) {
      const parent = await parentRepository.findById(db, parentId)
      if (!parent) throw accountGone()
      return parent
    },

    async updateProfile(parentId: string, ip: string, body: UpdateMeBody) {
      const changes = {
        ...(body.first_name === undefined ? {} : { first_name: body.first_name.trim() }),
        ...(body.last_name === undefined ? {} : { last_name: body.last_name.trim() }),
        ...(body.email === undefined ? {} : { email: normaliseEmail(body.email) }),
        ...(body.language === undefined ? {} : { language: body.language }),
      }
      if (Object.keys(changes).length === 0)
        throw new AppError('EMPTY_UPDATE', 'body must contain at least one of: first_name, last_name, email, language')
      if (changes.email !== undefined) {
        if (body.current_password === undefined)
          throw new AppError('VALIDATION_FAILED', 'body.current_password is required to change the email')
        await confirmPassword(parentId, ip, body.current_password, 'current_password')
      }
      const parent = await parentRepository.update(db, parentId, changes)
      if (parent === 'email_taken') throw new AppError('EMAIL_TAKEN', 'body.email is already registered')
      if (!parent) throw accountGone()
      return parent
    },

    /** A new password ends every other session: whoever knew the old one is signed out. */
    async changePassword(parentId: string, sessionId: string, ip: string, current: string, next: string) {
      await confirmPassword(parentId, ip, current, 'current_password')
      await parentRepository.setPasswordHash(db, parentId, await hashPassword(next))
      await sessions.endAllBut(parentId, sessionId)
    },
  }
}

export type AccountService = ReturnType<typeof createAccountService>
