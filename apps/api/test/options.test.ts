import { CreateChildBody, CreateStoryBody, StoryReportBody } from '@dreamify/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp } from '../../../test/support/api.ts'
import { createTestDatabase } from '../../../test/support/database.ts'
import type { App } from '../src/app.ts'

let app: App
beforeAll(async () => {
  const { db } = await createTestDatabase()
  app = await buildTestApp(db)
})
afterAll(() => app?.close())

// The lists the request bodies are validated against, read from the schemas themselves.
const validated = (schema: { properties: Record<string, unknown> }, field: string) =>
  (schema.properties[field] as { enum: string[] }).enum

describe('GET /api/options', () => {
  it('is public and cacheable', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/options' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toMatch(/public, max-age=\d+/)
  })

  it('offers exactly the values the API validates, each with a label', async () => {
    const options = (await app.inject({ method: 'GET', url: '/api/options' })).json()
    const values = (list: { value: string; label: string }[]) => {
      for (const option of list) expect(option.label.length).toBeGreaterThan(0)
      return list.map((option) => option.value)
    }
    expect(values(options.age_ranges)).toEqual(validated(CreateChildBody, 'age_range'))
    expect(values(options.sexes)).toEqual(validated(CreateChildBody, 'sex'))
    expect(values(options.eye_colors)).toEqual(validated(CreateChildBody, 'eye_color'))
    expect(values(options.hair_types)).toEqual(validated(CreateChildBody, 'hair_type'))
    expect(values(options.hair_colors)).toEqual(validated(CreateChildBody, 'hair_color'))
    expect(values(options.story_genres)).toEqual(validated(CreateStoryBody, 'story_genre'))
    expect(values(options.image_styles)).toEqual(validated(CreateStoryBody, 'image_style'))
    expect(values(options.report_reasons)).toEqual(validated(StoryReportBody, 'reason'))
  })
})
