import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, outsideTheDocument } from '../../../test/support/api.ts'
import { createTestDatabase } from '../../../test/support/database.ts'
import type { App } from '../src/app.ts'

let app: App
beforeAll(async () => {
  const { db } = await createTestDatabase()
  app = await buildTestApp(db, { CORS_ORIGINS: 'https://app.dreamify.example, https://admin.dreamify.example' })
})
afterAll(() => app?.close())

describe('CORS and security headers', () => {
  it('lets only allowlisted origins read answers from a browser', async () => {
    const allowed = await app.inject({
      method: 'OPTIONS',
      url: '/api/stories',
      headers: {
        origin: 'https://app.dreamify.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    })
    expect(allowed.statusCode).toBeLessThan(300)
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.dreamify.example')

    const refused = await app.inject({
      method: 'OPTIONS',
      url: '/api/stories',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    })
    expect(refused.headers['access-control-allow-origin']).toBeUndefined()
    const simple = await app.inject({ method: 'GET', url: '/health/live', headers: { origin: 'https://evil.example' } })
    expect(simple.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('sets the usual security headers and a request id on every answer, errors included', async () => {
    for (const url of ['/health/live', '/api/auth/me', '/api/nope']) {
      // /api/nope is no route: the router's own 404, outside the document.
      const response = await outsideTheDocument(app).inject({ method: 'GET', url })
      expect(response.headers['x-content-type-options'], url).toBe('nosniff')
      expect(response.headers['x-frame-options'], url).toBe('SAMEORIGIN')
      expect(response.headers['strict-transport-security'], url).toMatch(/max-age=/)
      expect(response.headers['referrer-policy'], url).toBe('no-referrer')
      expect(response.headers['x-request-id'], url).toMatch(/^[\w.-]+$/)
    }
  })
})
