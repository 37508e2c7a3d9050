import { createHmac, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, expectErrorShape, outsideTheDocument, signUp, TEST_SECRET } from '../../../test/support/api.ts'
import { createTestDatabase } from '../../../test/support/database.ts'
import type { App } from '../src/app.ts'

let app: App
beforeAll(async () => {
  const { db } = await createTestDatabase()
  app = await buildTestApp(db)
})
afterAll(() => app.close())

const register = (payload: unknown) =>
  app.inject({ method: 'POST', url: '/api/auth/register', payload: payload as object })
const valid = () => ({
  first_name: 'Ann',
  last_name: 'Lee',
  email: `ann.${Math.random()}@example.com`,
  password: 'long enough',
})

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
function forge(header: object, payload: object, secret = TEST_SECRET) {
  const unsigned = `${base64url(header)}.${base64url(payload)}`
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`
}

describe('POST /api/auth/register', () => {
  it('creates a parent, trimming and lower-casing the email', async () => {
    const response = await register({ ...valid(), email: '  Ann.Lee@Example.COM ' })
    expect(response.statusCode).toBe(201)
    const { parent } = response.json()
    expect(parent).toEqual({
      id: expect.any(String),
      first_name: 'Ann',
      last_name: 'Lee',
      email: 'ann.lee@example.com',
      language: null,
      created_at: expect.any(String),
    })
    expect(response.body).not.toContain('password')
  })

  it('answers 409 for an email already registered, whatever its case', async () => {
    const first = valid()
    expect((await register(first)).statusCode).toBe(201)
    const again = await register({ ...first, email: first.email.toUpperCase() })
    expectErrorShape(again.json(), 409, 'EMAIL_TAKEN')
  })

  it.each([
    ['a missing field', { first_name: undefined }, 'body.first_name is required'],
    ['a number for a string', { first_name: 7 }, 'body.first_name must be string'],
    ['null', { last_name: null }, 'body.last_name must be string'],
    ['a blank name', { first_name: '   ' }, 'body.first_name must not be blank'],
    [
      'a name over 100 characters',
      { last_name: 'x'.repeat(101) },
      'body.last_name must NOT have more than 100 characters',
    ],
    ['an invalid email', { email: 'not-an-email' }, 'body.email must be a valid email'],
    ['a short password', { password: 'short' }, 'body.password must NOT have fewer than 8 characters'],
    ['a long password', { password: 'x'.repeat(129) }, 'body.password must NOT have more than 128 characters'],
  ])('rejects %s with 400 naming the field and rule', async (_case, change, message) => {
    const response = await register({ ...valid(), ...change })
    expect(expectErrorShape(response.json(), 400, 'VALIDATION_FAILED').message).toBe(message)
  })

  it('rejects broken JSON, other content types and oversized bodies in the error shape', async () => {
    const broken = await app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { 'content-type': 'application/json' },
      payload: '{"first_name":',
    })
    expectErrorShape(broken.json(), 400, 'INVALID_JSON')
    const text = await app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { 'content-type': 'text/plain' },
      payload: 'hello',
    })
    expectErrorShape(text.json(), 415, 'UNSUPPORTED_MEDIA_TYPE')
    const huge = await register({ ...valid(), first_name: 'x'.repeat(100_000) })
    expectErrorShape(huge.json(), 413, 'PAYLOAD_TOO_LARGE')
    const proto = await app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { 'content-type': 'application/json' },
      payload: '{"__proto__":{"admin":true}}',
    })
    expect(proto.statusCode).toBe(400)
    expectErrorShape(proto.json(), 400)
  })
})

describe('POST /api/auth/login', () => {
  it('returns a bearer token for the right password, and the same 401 for a wrong password or an unknown email', async () => {
    const { email } = await signUp(app, 'Login')
    const ok = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: email.toUpperCase(), password: 'correct horse' },
    })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
      refresh_token: expect.stringMatching(/^[\w-]{43}$/),
      refresh_expires_in: expect.any(Number),
    })
    expect(ok.json().refresh_expires_in).toBeGreaterThan(29 * 86_400)

    const wrong = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: 'wrong horse' },
    })
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'nobody@example.com', password: 'wrong horse' },
    })
    expect(wrong.json()).toEqual(unknown.json())
    expectErrorShape(wrong.json(), 401, 'INVALID_CREDENTIALS')
  })

  it('validates its body', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'a@b.co' } })
    expect(expectErrorShape(response.json(), 400, 'VALIDATION_FAILED').message).toBe('body.password is required')
  })
})

describe('GET /api/auth/me and bearer tokens', () => {
  it('returns the signed-in parent', async () => {
    const { headers, parentId } = await signUp(app, 'Me')
    const response = await app.inject({ method: 'GET', url: '/api/auth/me', headers })
    expect(response.statusCode).toBe(200)
    expect(response.json().parent.id).toBe(parentId)
  })

  it('refuses missing, malformed, expired, wrongly signed and alg:none tokens with 401', async () => {
    const { parentId, token } = await signUp(app, 'Tokens')
    const { sid } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())
    const now = Math.floor(Date.now() / 1000)
    const tokens = {
      missing: undefined,
      'not a bearer': `Basic ${Buffer.from('a:b').toString('base64')}`,
      malformed: 'Bearer not.a.jwt',
      expired: `Bearer ${forge({ alg: 'HS256', typ: 'JWT' }, { sub: parentId, iat: now - 7200, exp: now - 3600 })}`,
      'wrong signature': `Bearer ${forge({ alg: 'HS256', typ: 'JWT' }, { sub: parentId, iat: now, exp: now + 3600 }, 'another-secret-another-secret-another')}`,
      'alg none': `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: parentId, iat: now, exp: now + 3600 })}.`,
      'wrong shape': `Bearer ${forge({ alg: 'HS256', typ: 'JWT' }, { user: parentId, iat: now, exp: now + 3600 })}`,
      'without a session': `Bearer ${forge({ alg: 'HS256', typ: 'JWT' }, { sub: parentId, iat: now, exp: now + 3600 })}`,
      'an unknown session': `Bearer ${forge({ alg: 'HS256', typ: 'JWT' }, { sub: parentId, sid: randomUUID(), iat: now, exp: now + 3600 })}`,
    }
    for (const [name, authorization] of Object.entries(tokens)) {
      const response = await app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: authorization ? { authorization } : {},
      })
      expect(response.statusCode, name).toBe(401)
      expectErrorShape(response.json(), 401, 'UNAUTHORIZED')
    }
    const good = `Bearer ${forge({ alg: 'HS256', typ: 'JWT' }, { sub: parentId, sid, iat: now, exp: now + 3600 })}`
    expect(
      (await app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: good } })).statusCode,
    ).toBe(200)
  })
})

describe('documentation and errors', () => {
  it('serves OpenAPI 3 with every route, its errors and bearer auth', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json()
    expect(spec.openapi).toMatch(/^3\./)
    expect(spec.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' })
    for (const path of [
      '/api/auth/register',
      '/api/auth/login',
      '/api/auth/me',
      '/api/children',
      '/api/children/{child_id}',
    ]) {
      expect(spec.paths[path], path).toBeDefined()
    }
    expect(spec.paths['/api/children/{child_id}'].get.responses['404']).toBeDefined()
    expect(spec.paths['/api/children'].post.security).toEqual([{ bearerAuth: [] }])
    expect((await app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400)
  })

  it('answers unknown routes with 404 in the error shape', async () => {
    // No route: the router's own answer, which no operation of the document describes.
    const unknown = await outsideTheDocument(app).inject({ method: 'GET', url: '/api/nope' })
    expectErrorShape(unknown.json(), 404, 'NOT_FOUND')
  })
})
