import { randomUUID } from 'node:crypto'
import { createLogger } from '@dreamify/core'
import type { Db } from '@dreamify/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, expectErrorShape, signUp, testConfig } from '../../../test/support/api.ts'
import { createTestDatabase } from '../../../test/support/database.ts'
import { createTestQueues } from '../../../test/support/queues.ts'
import { type App, buildApp } from '../src/app.ts'

// The account routes that ask for the current password, and what must never reach the logs.
let app: App
let db: Db
beforeAll(async () => {
  db = (await createTestDatabase()).db
  app = await buildTestApp(db)
})
afterAll(() => app.close())

const PASSWORD = 'correct horse'

const login = (email: string, extra: object = {}) =>
  app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: PASSWORD, ...extra } })
const refresh = (refresh_token: string) =>
  app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token } })
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const me = (token: string) => app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) })

/** A parent signed in once, with body-mode tokens. */
async function signedIn(name: string) {
  const parent = await signUp(app, name)
  const tokens = (await login(parent.email)).json() as { access_token: string; refresh_token: string }
  return { ...parent, ...tokens }
}

describe('account changes', () => {
  it('changes the password, ending every other session but not this one', async () => {
    const parent = await signUp(app, 'Password')
    const here = (await login(parent.email)).json()
    const elsewhere = (await login(parent.email)).json()
    const change = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: bearer(here.access_token),
      payload: { current_password: PASSWORD, new_password: 'a brand new secret' },
    })
    expect(change.statusCode).toBe(204)
    expect((await me(elsewhere.access_token)).statusCode).toBe(401)
    expectErrorShape((await refresh(elsewhere.refresh_token)).json(), 401, 'SESSION_REVOKED')
    expect((await me(here.access_token)).statusCode).toBe(200)
    expect((await refresh(here.refresh_token)).statusCode).toBe(200)
    expectErrorShape((await login(parent.email)).json(), 401, 'INVALID_CREDENTIALS')
    expect((await login(parent.email, { password: 'a brand new secret' })).statusCode).toBe(200)
  })

  it('refuses a wrong current password with 403 and validates the body', async () => {
    const parent = await signedIn('WrongPassword')
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: bearer(parent.access_token),
      payload: { current_password: 'not it at all', new_password: 'a brand new secret' },
    })
    expect(expectErrorShape(wrong.json(), 403, 'FORBIDDEN').message).toBe('body.current_password is incorrect')
    const short = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: bearer(parent.access_token),
      payload: { current_password: PASSWORD, new_password: 'short' },
    })
    expect(expectErrorShape(short.json(), 400, 'VALIDATION_FAILED').message).toBe(
      'body.new_password must NOT have fewer than 8 characters',
    )
  })

  it('changes names freely, and the email only with the current password', async () => {
    const parent = await signedIn('Profile')
    const patch = (payload: object) =>
      app.inject({ method: 'PATCH', url: '/api/auth/me', headers: bearer(parent.access_token), payload })
    const renamed = await patch({ first_name: ' Ann ' })
    expect(renamed.statusCode).toBe(200)
    expect(renamed.json().parent.first_name).toBe('Ann')

    const newEmail = `moved-${randomUUID()}@example.com`
    expectErrorShape((await patch({ email: newEmail })).json(), 400, 'VALIDATION_FAILED')
    expectErrorShape((await patch({ email: newEmail, current_password: 'wrong one' })).json(), 403, 'FORBIDDEN')
    const moved = await patch({ email: ` ${newEmail.toUpperCase()} `, current_password: PASSWORD })
    expect(moved.json().parent.email).toBe(newEmail)
    expect((await login(newEmail)).statusCode).toBe(200)

    const other = await signUp(app, 'Taken')
    expectErrorShape((await patch({ email: other.email, current_password: PASSWORD })).json(), 409, 'EMAIL_TAKEN')
    expectErrorShape((await patch({})).json(), 400, 'EMPTY_UPDATE')
  })
})

describe('password checks count against the login limits', () => {
  it('answers 429 once wrong current passwords reach the per-account limit', async () => {
    const { db: limitedDb } = await createTestDatabase()
    const limited = await buildTestApp(limitedDb, { LOGIN_ATTEMPTS_PER_15_MIN: '3' })
    try {
      const parent = await signUp(limited, 'Limited')
      // Each from another address, so what stops them is the account's window, which logins share.
      let address = 0
      const from = () => ({ remoteAddress: `10.0.0.${++address}` })
      const attempt = () =>
        limited.inject({
          method: 'POST',
          url: '/api/auth/password',
          headers: parent.headers,
          payload: { current_password: 'a wrong guess', new_password: 'a brand new secret' },
          ...from(),
        })
      // signUp's login cleared the account's window; three guesses are allowed, the fourth is not.
      for (let i = 0; i < 3; i++) expect((await attempt()).statusCode).toBe(403)
      expectErrorShape((await attempt()).json(), 429, 'RATE_LIMITED')
      const loginNow = await limited.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: parent.email, password: PASSWORD },
        ...from(),
      })
      expectErrorShape(loginNow.json(), 429, 'RATE_LIMITED')
    } finally {
      await limited.close()
    }
  })
})

describe('logs', () => {
  it('never hold a token, a cookie or a password, even at trace level', async () => {
    const lines: string[] = []
    const logger = createLogger('trace', 'api', { write: (line: string) => lines.push(line) })
    const { db: logDb } = await createTestDatabase()
    const { redis, queues, prefix } = createTestQueues()
    const logged = await buildApp({ config: testConfig({ QUEUE_PREFIX: prefix }), db: logDb, queues, redis, logger })
    try {
      const parent = await signUp(logged, 'Logged')
      const signedInCookie = await logged.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { host: 'localhost:3000' },
        payload: { email: parent.email, password: PASSWORD, session: 'cookie' },
      })
      const cookie = signedInCookie.cookies[0]!.value
      const refreshed = await logged.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        headers: { host: 'localhost:3000', origin: 'http://localhost:3000' },
        cookies: { dreamify_refresh: cookie },
      })
      const access = refreshed.json().access_token as string
      await logged.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(access) })
      logger.info({ body: { refresh_token: cookie, current_password: PASSWORD }, headers: { cookie } }, 'a test line')
      const all = lines.join('')
      expect(all).toContain('a test line')
      for (const secret of [cookie, refreshed.cookies[0]!.value, access, parent.token, PASSWORD])
        expect(all).not.toContain(secret)
    } finally {
      await logged.close()
    }
  })
})

describe('GET /api/auth/me/export', () => {
  it('is rate limited per parent', async () => {
    const parent = await signedIn('Exports')
    const exportOnce = () =>
      app.inject({ method: 'GET', url: '/api/auth/me/export', headers: bearer(parent.access_token) })
    for (let i = 0; i < 5; i++) {
      const response = await exportOnce()
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-type']).toBe('application/zip')
      // A zip: local file header first, end of central directory last.
      expect(response.rawPayload.subarray(0, 4).toString('hex')).toBe('504b0304')
    }
    const limited = await exportOnce()
    expectErrorShape(limited.json(), 429, 'RATE_LIMITED')
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
  })
})

describe('session rows', () => {
  it('are pruned at sign-in once expired; a pruned token answers as a revoked one', async () => {
    const parent = await signedIn('Prune')
    const sid = JSON.parse(Buffer.from(parent.access_token.split('.')[1]!, 'base64url').toString()).sid
    await db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('family_id', '=', sid)
      .execute()
    expectErrorShape((await refresh(parent.refresh_token)).json(), 401, 'SESSION_EXPIRED')
    expect((await login(parent.email)).statusCode).toBe(200)
    expect(await db.selectFrom('sessions').select('id').where('family_id', '=', sid).execute()).toEqual([])
    expectErrorShape((await refresh(parent.refresh_token)).json(), 401, 'SESSION_REVOKED')
  })
})
