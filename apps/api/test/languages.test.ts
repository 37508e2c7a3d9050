import { LANGUAGES, PROVIDER_LANGUAGES } from '@dreamify/core'
import type { Db } from '@dreamify/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { aChild, buildTestApp, signUp } from '../../../test/support/api.ts'
import { createTestDatabase } from '../../../test/support/database.ts'
import type { App } from '../src/app.ts'

let db: Db
let fixtures: App
let openai: App
beforeAll(async () => {
  ;({ db } = await createTestDatabase())
  fixtures = await buildTestApp(db, { GENERATION_PROVIDER: 'fixtures' })
  openai = await buildTestApp(db, { GENERATION_PROVIDER: 'openai', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' })
})
afterAll(async () => {
  await fixtures?.close()
  await openai?.close()
})

const aStory = { topic: 'the moon', story_genre: 'Fantasy', image_style: 'Cartoon' }

async function family(app: App, name: string, child: Record<string, unknown> = {}) {
  const { headers } = await signUp(app, name)
  const created = await app.inject({ method: 'POST', url: '/api/children', headers, payload: { ...aChild, ...child } })
  expect(created.statusCode).toBe(201)
  return { headers, childId: created.json().child.id as string }
}

async function storyOf(app: App, headers: Record<string, string>, body: Record<string, unknown>) {
  const accepted = await app.inject({ method: 'POST', url: '/api/stories', headers, payload: body })
  expect(accepted.statusCode, accepted.body).toBe(202)
  const story = await app.inject({ method: 'GET', url: `/api/stories/${accepted.json().story_id}`, headers })
  return story.json() as { language: string; direction: string; cast: unknown[] }
}

describe('GET /api/options lists the active provider’s languages', () => {
  it('offers the fixtures provider’s three, labelled in their own language, with their direction', async () => {
    const { languages } = (await fixtures.inject({ method: 'GET', url: '/api/options' })).json()
    expect(languages).toEqual([
      { value: 'en', label: 'English', direction: 'ltr' },
      { value: 'es', label: 'Español', direction: 'ltr' },
      { value: 'ar', label: 'العربية', direction: 'rtl' },
    ])
  })

  it('offers every documented language for the openai provider', async () => {
    const { languages } = (await openai.inject({ method: 'GET', url: '/api/options' })).json()
    expect(languages.map((l: { value: string }) => l.value)).toEqual(PROVIDER_LANGUAGES.openai)
    expect(languages.find((l: { value: string }) => l.value === 'he')).toEqual({
      value: 'he',
      label: LANGUAGES.he.label,
      direction: 'rtl',
    })
  })
})

describe('POST /api/stories takes a language', () => {
  it('defaults to English, and marks an Arabic story right-to-left', async () => {
    const { headers, childId } = await family(fixtures, 'LangDefault')
    const english = await storyOf(fixtures, headers, { ...aStory, child_id: childId })
    expect(english).toMatchObject({ language: 'en', direction: 'ltr', cast: [] })
    const arabic = await storyOf(fixtures, headers, { ...aStory, child_id: childId, language: 'ar' })
    expect(arabic).toMatchObject({ language: 'ar', direction: 'rtl' })
    const library = await fixtures.inject({ method: 'GET', url: `/api/children/${childId}/stories`, headers })
    expect(
      library
        .json()
        .stories.map((s: { direction: string }) => s.direction)
        .sort(),
    ).toEqual(['ltr', 'rtl'])
  })

  it('refuses a language the provider cannot write, listing those it can', async () => {
    const { headers, childId } = await family(fixtures, 'LangRefused')
    const refused = await fixtures.inject({
      method: 'POST',
      url: '/api/stories',
      headers,
      payload: { ...aStory, child_id: childId, language: 'fr' },
    })
    expect(refused.statusCode).toBe(400)
    expect(refused.json()).toEqual({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      error: 'Bad Request',
      message:
        'body.language must be one of the languages the fixtures provider writes: en (English), es (Español), ar (العربية)',
    })
    // The openai provider writes French.
    const { headers: other, childId: otherChild } = await family(openai, 'LangFrench')
    expect(await storyOf(openai, other, { ...aStory, child_id: otherChild, language: 'fr' })).toMatchObject({
      language: 'fr',
      direction: 'ltr',
    })
  })

  it('refuses a tag that is not BCP 47 by its shape', async () => {
    const { headers, childId } = await family(fixtures, 'LangShape')
    const refused = await fixtures.inject({
      method: 'POST',
      url: '/api/stories',
      headers,
      payload: { ...aStory, child_id: childId, language: 'Spanish!' },
    })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().message).toMatch(/body\/language|body\.language/)
  })

  it('takes the child’s preferred language, else the parent’s', async () => {
    const { headers, childId } = await family(fixtures, 'LangPreferred', { language: 'es' })
    expect((await storyOf(fixtures, headers, { ...aStory, child_id: childId })).language).toBe('es')

    const me = await fixtures.inject({ method: 'PATCH', url: '/api/auth/me', headers, payload: { language: 'ar' } })
    expect(me.statusCode).toBe(200)
    expect(me.json().parent.language).toBe('ar')
    const cleared = await fixtures.inject({
      method: 'PATCH',
      url: `/api/children/${childId}`,
      headers,
      payload: { language: null },
    })
    expect(cleared.json()).toMatchObject({ child: { language: null }, avatar_job_id: null })
    expect((await storyOf(fixtures, headers, { ...aStory, child_id: childId })).language).toBe('ar')
    // An explicit language wins over both.
    expect((await storyOf(fixtures, headers, { ...aStory, child_id: childId, language: 'en' })).language).toBe('en')
  })

  it('refuses a preferred language the provider cannot write', async () => {
    const { headers, childId } = await family(fixtures, 'LangPrefRefused')
    for (const [url, method] of [
      [`/api/children/${childId}`, 'PATCH'],
      ['/api/auth/me', 'PATCH'],
    ] as const) {
      const refused = await fixtures.inject({ method, url, headers, payload: { language: 'de' } })
      expect(refused.statusCode).toBe(400)
      expect(refused.json().message).toMatch(/^body\.language must be one of .*: en \(English\), es/)
    }
    const created = await fixtures.inject({
      method: 'POST',
      url: '/api/children',
      headers,
      payload: { ...aChild, language: 'de' },
    })
    expect(created.statusCode).toBe(400)
  })

  it('falls back to English when a preference is one the provider (no longer) writes', async () => {
    const { headers, childId } = await family(openai, 'LangSwitched', { language: 'de' })
    expect((await storyOf(openai, headers, { ...aStory, child_id: childId })).language).toBe('de')
    // The same family served by a deployment on the fixtures provider.
    expect((await storyOf(fixtures, headers, { ...aStory, child_id: childId })).language).toBe('en')
  })
})
