import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { documentViolation } from '../../../test/support/openapi-conformance.ts'
import { OPENAPI_DOCUMENT_PATH, renderOpenApiDocument } from '../src/lib/openapi-document.ts'

describe('the committed OpenAPI document', () => {
  it('is the one the app renders now (every API change shows up in review)', async () => {
    const committed = await readFile(OPENAPI_DOCUMENT_PATH, 'utf8').catch(() => '')
    const current = await renderOpenApiDocument()
    if (committed === current) return
    const was = committed.split('\n')
    const now = current.split('\n')
    const line = now.findIndex((text, i) => text !== was[i])
    expect.fail(
      `docs/openapi.json is stale: run ./dreamify openapi and commit the file it writes ` +
        `(first difference at line ${line + 1}: ${JSON.stringify(was[line] ?? '')} is now ${JSON.stringify(now[line] ?? '')})`,
    )
  })
})

describe('the conformance check the tests hold every answer to', () => {
  const job = '/api/jobs/0b6c4b8e-2f1a-4c39-9d55-3c1b7e0e9a11'
  const answer = { method: 'GET', url: job, status: 404, contentType: 'application/json; charset=utf-8' }
  const notFound = JSON.stringify({ statusCode: 404, code: 'NOT_FOUND', error: 'Not Found', message: 'no such job' })

  it('passes a documented status with a body its schema accepts', () => {
    expect(documentViolation({ ...answer, body: notFound })).toBeUndefined()
  })

  it('refuses a route the document does not have', () => {
    expect(documentViolation({ ...answer, url: '/api/jobs', body: notFound })).toMatch(/not a documented operation/)
    expect(documentViolation({ ...answer, method: 'PUT', body: notFound })).toMatch(/not a documented operation/)
  })

  it('refuses a status the operation does not document', () => {
    expect(documentViolation({ ...answer, status: 418, body: notFound })).toMatch(/a status it does not document/)
  })

  it('refuses a body its schema refuses, naming the rule', () => {
    expect(documentViolation({ ...answer, body: JSON.stringify({ statusCode: 404 }) })).toMatch(/must have required/)
    expect(documentViolation({ ...answer, body: 'not json' })).toMatch(/not JSON/)
  })

  it('refuses a body where the document says there is none, and a content type it does not list', () => {
    const media = { method: 'GET', url: '/api/media/stories%2Fx%2Fw512.webp?expires=1&sig=x' }
    expect(documentViolation({ ...media, status: 304, contentType: undefined, body: '' })).toBeUndefined()
    expect(documentViolation({ ...media, status: 304, contentType: 'image/png', body: 'x' })).toMatch(/has none/)
    expect(documentViolation({ ...media, status: 200, contentType: 'image/png', body: 'bytes' })).toBeUndefined()
    expect(documentViolation({ ...media, status: 200, contentType: 'text/html', body: '<p>' })).toMatch(
      /text\/html, not audio\/mpeg or image/,
    )
  })
})
