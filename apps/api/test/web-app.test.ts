import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureWebBuild, WEB_DIST } from '../../../scripts/web-build.ts'
import { buildTestApp, expectErrorShape, outsideTheDocument } from '../../../test/support/api.ts'
import { createTestDatabase } from '../../../test/support/database.ts'
import type { App } from '../src/app.ts'

let app: App
beforeAll(async () => {
  await ensureWebBuild()
  const { db } = await createTestDatabase()
  app = await buildTestApp(db)
}, 180_000)
afterAll(() => app?.close())

// The app's files and the unknown paths below are no operation of the API's document.
const get = (url: string) => outsideTheDocument(app).inject({ method: 'GET', url })

describe('the web app served by the API', () => {
  it('serves the app at / with a strict content security policy', async () => {
    const response = await get('/')
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/html/)
    expect(response.body).toContain('<div id="root"></div>')
    const csp = String(response.headers['content-security-policy'])
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-inline')
    expect(response.headers['cache-control']).toBe('no-cache')
    // No inline script for the policy to forbid.
    expect(response.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
  })

  it('answers any page path with the app, for its router (the SPA fallback)', async () => {
    for (const path of ['/stories/4f1c2c8e-0000-4000-8000-000000000000/read/2', '/library', '/sign-in?next=%2F']) {
      const response = await get(path)
      expect(response.statusCode).toBe(200)
      expect(response.body).toContain('<div id="root"></div>')
    }
  })

  it('serves the hashed assets as immutable files', async () => {
    const asset = readdirSync(join(WEB_DIST, 'assets')).find((name) => name.endsWith('.js'))!
    const response = await get(`/assets/${asset}`)
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/javascript/)
    expect(response.headers['cache-control']).toContain('immutable')
  })

  it('keeps JSON 404s for the API, the docs, health and metrics, and for missing files', async () => {
    for (const path of [
      '/api/nothing-here',
      '/docs/nothing-here',
      '/health/nothing',
      '/metrics/x',
      '/assets/missing.js',
    ]) {
      const response = await get(path)
      expect(response.statusCode, path).toBe(404)
      expectErrorShape(response.json(), 404, 'NOT_FOUND')
    }
  })

  it('leaves Swagger UI at /docs its own policy', async () => {
    const response = await get('/docs/json')
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-security-policy']).toBeUndefined()
  })

  it('reaches no file outside the build', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/.source-hash']) {
      const response = await get(path)
      expect(response.body).not.toContain('"name": "@dreamify/web"')
    }
  })
})
