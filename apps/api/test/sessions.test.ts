import { randomUUID } from 'node:crypto'
import type { Db } from '@dreamify/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { aChild, buildTestApp, expectErrorShape, signUp } from '../../../test/support/api.ts'
import { createTestDatabase } from '../../../test/support/database.ts'
import type { App } from '../src/app.ts'

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

describe("an event stream's token", () => {
  it('is refused once the session it was asked in has ended', async () => {
    const parent = await signedIn('Events')
    const added = await app.inject({
      method: 'POST',
      url: '/api/children',
      headers: bearer(parent.access_token),
      payload: aChild,
    })
    const jobId = added.json().avatar_job_id as string
    const issued = await app.inject({
      method: 'POST',
      url: `/api/jobs/${jobId}/events-token`,
      headers: bearer(parent.access_token),
    })
    const { token } = issued.json()
    expect(claims(token)).toMatchObject({ sid: parent.sid, scope: 'events', job: jobId })
    await app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(parent.access_token) })
    const stream = await app.inject({ method: 'GET', url: `/api/jobs/${jobId}/events?token=${token}` })
    expectErrorShape(stream.json(), 401, 'UNAUTHORIZED')
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
