import type { Config } from '@dreamify/core'
import type { Window } from './rate-limit.ts'

const FIFTEEN_MINUTES_MS = 15 * 60_000

/**
 * The windows every password check counts against: login, and the account routes that ask for the
 * current password (so they cannot be used to guess it past the login limits).
 */
export function loginWindows(limits: Config['limits']) {
  return {
    perIp: (ip: string): Window => ({
      name: 'login-ip',
      id: ip,
      limit: limits.loginAttemptsPer15Min,
      windowMs: FIFTEEN_MINUTES_MS,
    }),
    perAccount: (email: string): Window => ({
      name: 'login-account',
      id: email,
      limit: limits.loginAttemptsPer15Min,
      windowMs: FIFTEEN_MINUTES_MS,
    }),
  }
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase()
