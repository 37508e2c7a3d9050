import { randomUUID } from 'node:crypto'
import { createLogger } from '@dreamify/core'
import type { Db } from '@dreamify/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, expectErrorShape, signUp, testConfig } from '../../../test/support/api.ts'
import { createTestDatabase } from '../../../test/support/database.ts'
import { createTestQueues } from '../../../test/support/queues.ts'
import { type App, buildApp } from '../src/app.ts'

let app: App
let db: Db
beforeAll(async () => {
  db = (await createTestDatabase()).db
  app = await buildTestApp(db, { CORS_ORIGINS: 'https://app.example.com' })
})
afterAll(() => app.close())

const PASSWORD = 'correct horse'
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'

const login = (email: string, extra: object = {}, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: PASSWORD, ...extra }, headers })
const refresh = (refresh_token: string) =>
  app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token } })
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const me = (token: string) => app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) })
const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())

/** A parent signed in once, with body-mode tokens. */
async function signedIn(name = 'Sessions') {
  const parent = await signUp(app, name)
  const tokens = (await login(parent.email)).json() as { access_token: string; refresh_token: string }
  return { ...parent, ...tokens, sid: claims(tokens.access_token).sid as string }
}

/** Moves a token's rotation into the past, as if that much time had gone by since. */
const rotatedSecondsAgo = (sid: string, seconds: number) =>
  db
    .updateTable('sessions')
    .set({ rotated_at: new Date(Date.now() - seconds * 1000) })
    .where('family_id', '=', sid)
    .where('rotated_at', 'is not', null)
    .execute()

describe('access tokens', () => {
  it('are HS256 JWTs of JWT_EXPIRES_IN (15 min) with a session id and a unique jti', async () => {
    const { email } = await signUp(app, 'Claims')
    const [a, b] = [(await login(email)).json(), (await login(email)).json()]
    const header = JSON.parse(Buffer.from(a.access_token.split('.')[0], 'base64url').toString())
    expect(header.alg).toBe('HS256')
    const [ca, cb] = [claims(a.access_token), claims(b.access_token)]
    expect(ca.exp - ca.iat).toBe(900)
    expect(ca.sid).toMatch(/^[0-9a-f-]{36}$/)
    expect(ca.sid).not.toBe(cb.sid)
    expect(ca.jti).not.toBe(cb.jti)
  })
})

describe('POST /api/auth/refresh', () => {
  it('rotates: a new access token and a new refresh token of the same session', async () => {
    const parent = await signedIn()
    const response = await refresh(parent.refresh_token)
    expect(response.statusCode).toBe(200)
    const next = response.json()
    expect(next.refresh_token).not.toBe(parent.refresh_token)
    expect(claims(next.access_token).sid).toBe(parent.sid)
    expect((await me(next.access_token)).statusCode).toBe(200)
    // Only hashes are stored.
    const rows = await db.selectFrom('sessions').select('token_hash').where('family_id', '=', parent.sid).execute()
    expect(rows).toHaveLength(2)
    for (const row of rows) expect(row.token_hash.toString('base64url')).not.toBe(parent.refresh_token)
  })

  it('revokes the whole family when a rotated token is presented again after the grace window', async () => {
    const parent = await signedIn()
    const second = (await refresh(parent.refresh_token)).json()
    const third = (await refresh(second.refresh_token)).json()
    await rotatedSecondsAgo(parent.sid, 11)

    expectErrorShape((await refresh(parent.refresh_token)).json(), 401, 'SESSION_REVOKED')
    // The thief's use ends the victim's session too: its newest token and its access tokens are refused.
    expectErrorShape((await refresh(third.refresh_token)).json(), 401, 'SESSION_REVOKED')
    expectErrorShape((await me(third.access_token)).json(), 401, 'UNAUTHORIZED')
  })

  it('lets two tabs refresh with the same token within the grace window, both staying signed in', async () => {
    const parent = await signedIn()
    const [tabA, tabB] = await Promise.all([refresh(parent.refresh_token), refresh(parent.refresh_token)])
    expect([tabA.statusCode, tabB.statusCode]).toEqual([200, 200])
    const [a, b] = [tabA.json(), tabB.json()]
    expect(claims(a.access_token).sid).toBe(parent.sid)
    expect(claims(b.access_token).sid).toBe(parent.sid)
    expect((await refresh(a.refresh_token)).statusCode).toBe(200)
    expect((await refresh(b.refresh_token)).statusCode).toBe(200)
    const sessions = (
      await app.inject({ method: 'GET', url: '/api/auth/sessions', headers: bearer(a.access_token) })
    ).json().sessions as Array<{ id: string }>
    // One session, however many tokens its tabs hold (signUp's own sign-in is the other one).
    expect(sessions.filter((s) => s.id === parent.sid)).toHaveLength(1)
    expect(sessions).toHaveLength(2)
  })

  it('keeps the absolute expiry through rotations, and answers SESSION_EXPIRED after it', async () => {
    const parent = await signedIn()
    const next = (await refresh(parent.refresh_token)).json()
    const expiries = await db.selectFrom('sessions').select('expires_at').where('family_id', '=', parent.sid).execute()
    expect(new Set(expiries.map((r) => r.expires_at.getTime())).size).toBe(1)
    expect(next.refresh_expires_in).toBeLessThanOrEqual(30 * 86_400)
    expect(next.refresh_expires_in).toBeGreaterThan(30 * 86_400 - 60)

    await db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('family_id', '=', parent.sid)
      .execute()
    const expired = await refresh(next.refresh_token)
    expect(expectErrorShape(expired.json(), 401, 'SESSION_EXPIRED').message).not.toContain(next.refresh_token)
  })

  it('answers SESSION_REVOKED for an unknown or missing token, and validates its body', async () => {
    expectErrorShape((await refresh('x'.repeat(43))).json(), 401, 'SESSION_REVOKED')
    const none = await app.inject({ method: 'POST', url: '/api/auth/refresh', payload: {} })
    expectErrorShape(none.json(), 401, 'SESSION_REVOKED')
    const wrongType = await app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: 5 } })
    expect(expectErrorShape(wrongType.json(), 400, 'VALIDATION_FAILED').message).toBe(
      'body.refresh_token must be string',
    )
  })
})

describe('cookie mode', () => {
  const origin = 'http://localhost:3000'
  const host = 'localhost:3000'

  it('sets the refresh token only as an HttpOnly, SameSite=Strict cookie on /api/auth, and never in a body', async () => {
    const { email } = await signUp(app, 'Cookie')
    const response = await login(email, { session: 'cookie' }, { host })
    expect(response.statusCode).toBe(200)
    expect(response.json()).not.toHaveProperty('refresh_token')
    const cookie = response.cookies.find((c) => c.name === 'dreamify_refresh')!
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/auth' })
    // Plain http on localhost: browsers would drop a Secure cookie there.
    expect(cookie.secure).toBeFalsy()
    expect(response.body).not.toContain(cookie.value)

    const refreshed = await app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      headers: { host, origin },
      cookies: { dreamify_refresh: cookie.value },
    })
    expect(refreshed.statusCode).toBe(200)
    expect(refreshed.json()).not.toHaveProperty('refresh_token')
    const next = refreshed.cookies.find((c) => c.name === 'dreamify_refresh')!
    expect(next.value).not.toBe(cookie.value)
    expect(refreshed.body).not.toContain(next.value)
    expect((await me(refreshed.json().access_token)).statusCode).toBe(200)
  })

  it('is Secure anywhere but plain http://localhost', async () => {
    const { email } = await signUp(app, 'Secure')
    const response = await login(email, { session: 'cookie' }, { host: 'dreamify.example.com' })
    expect(response.cookies.find((c) => c.name === 'dreamify_refresh')!.secure).toBe(true)
  })

  it('refuses a cookie refresh without an allowed Origin (CSRF), and accepts CORS_ORIGINS', async () => {
    const { email } = await signUp(app, 'Csrf')
    const cookie = (await login(email, { session: 'cookie' }, { host })).cookies[0]!.value
    const attempt = (headers: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        headers: { host, ...headers },
        cookies: { dreamify_refresh: cookie },
      })
    expectErrorShape((await attempt({})).json(), 403, 'FORBIDDEN')
    expectErrorShape((await attempt({ origin: 'https://evil.example' })).json(), 403, 'FORBIDDEN')
    expectErrorShape((await attempt({ origin: 'http://localhost:4000' })).json(), 403, 'FORBIDDEN')
    // The refused attempts did not use the token up.
    expect((await attempt({ origin: 'https://app.example.com' })).statusCode).toBe(200)
  })

  it('logout clears the cookie', async () => {
    const { email } = await signUp(app, 'CookieOut')
    const signedInCookie = await login(email, { session: 'cookie' }, { host })
    const out = await app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: bearer(signedInCookie.json().access_token),
    })
    expect(out.statusCode).toBe(204)
    const cleared = out.cookies.find((c) => c.name === 'dreamify_refresh')!
    expect(cleared.value).toBe('')
    expect(cleared.path).toBe('/api/auth')
  })
})

describe('logout', () => {
  it('ends the session: its access token and its refresh token are refused', async () => {
    const parent = await signedIn()
    expect(
      (await app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(parent.access_token) })).statusCode,
    ).toBe(204)
    expectErrorShape((await me(parent.access_token)).json(), 401, 'UNAUTHORIZED')
    expectErrorShape((await refresh(parent.refresh_token)).json(), 401, 'SESSION_REVOKED')
  })
})

describe('sessions list', () => {
  it('lists live sessions with a client label, marks the current one, and ends one or all others', async () => {
    const parent = await signUp(app, 'Devices')
    const phone = (await login(parent.email, {}, { 'user-agent': FIREFOX })).json()
    const laptop = (await login(parent.email, {}, { 'user-agent': 'curl/8.5.0' })).json()
    const tablet = (await login(parent.email)).json()
    const list = await app.inject({ method: 'GET', url: '/api/auth/sessions', headers: bearer(laptop.access_token) })
    const signUpSession = claims(parent.token).sid
    const sessions = (list.json().sessions as Array<{ id: string; client: string; current: boolean }>).filter(
      (s) => s.id !== signUpSession,
    )
    expect(sessions.map((s) => s.client).sort()).toEqual(['Firefox on Linux', 'curl', 'lightMyRequest'].sort())
    expect(sessions.filter((s) => s.current).map((s) => s.id)).toEqual([claims(laptop.access_token).sid])
    expect(Object.keys(sessions[0]!).sort()).toEqual(['client', 'created_at', 'current', 'id', 'last_used_at'])

    const one = await app.inject({
      method: 'DELETE',
      url: `/api/auth/sessions/${claims(phone.access_token).sid}`,
      headers: bearer(laptop.access_token),
    })
    expect(one.statusCode).toBe(204)
    expect((await me(phone.access_token)).statusCode).toBe(401)
    expect((await me(tablet.access_token)).statusCode).toBe(200)

    const others = await app.inject({
      method: 'DELETE',
      url: '/api/auth/sessions',
      headers: bearer(laptop.access_token),
    })
    expect(others.statusCode).toBe(204)
    expect((await me(tablet.access_token)).statusCode).toBe(401)
    expect((await me(laptop.access_token)).statusCode).toBe(200)
  })

  it("answers 404 for another parent's session id, exactly like a missing one, and ends nothing", async () => {
    const owner = await signedIn('Owner')
    const stranger = await signedIn('Stranger')
    const theirs = await app.inject({
      method: 'DELETE',
      url: `/api/auth/sessions/${owner.sid}`,
      headers: bearer(stranger.access_token),
    })
    const missing = await app.inject({
      method: 'DELETE',
      url: `/api/auth/sessions/${randomUUID()}`,
      headers: bearer(stranger.access_token),
    })
    expectErrorShape(theirs.json(), 404, 'NOT_FOUND')
    expect(theirs.json()).toEqual(missing.json())
    expect((await me(owner.access_token)).statusCode).toBe(200)
    const bad = await app.inject({
      method: 'DELETE',
      url: '/api/auth/sessions/nope',
      headers: bearer(stranger.access_token),
    })
    expect(bad.statusCode).toBe(400)
  })
})

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

describe('a token whose account is gone', () => {
  it('answers 401 on every route that takes a bearer token, never a 5xx', async () => {
    // As after a deletion, or a database recreated while the signing secret survived.
    const parent = await signUp(app, 'Gone')
    await db.deleteFrom('parents').where('id', '=', parent.parentId).execute()
    const docs = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, { security?: unknown[] }>>
    }
    const routes = Object.entries(docs.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, operation]) => operation.security?.length)
        .map(([method, _]) => [method.toUpperCase(), path.replace(/\{[^}]+\}/g, randomUUID())] as const),
    )
    expect(routes.length).toBeGreaterThan(15)
    for (const [method, url] of routes) {
      const response = await app.inject({
        method,
        url,
        headers: { ...parent.headers, 'idempotency-key': randomUUID() },
        ...(method === 'GET' || method === 'HEAD' ? {} : { payload: { name: 'Mia', password: PASSWORD } }),
      })
      expect(response.statusCode, `${method} ${url}`).toBe(401)
      expectErrorShape(response.json(), 401)
    }
  })
})
