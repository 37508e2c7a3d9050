import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkTextLocally, createLocalModerator, matchBedtimeThemes } from '../src/index.ts'

const topics = JSON.parse(readFileSync(new URL('./topics.json', import.meta.url), 'utf8')) as {
  refused: string[]
  allowed: string[]
}

describe('the local moderator', () => {
  it('has a table of at least 60 topics, half refused and half allowed', () => {
    expect(topics.refused.length + topics.allowed.length).toBeGreaterThanOrEqual(60)
    expect(topics.refused.length).toBe(topics.allowed.length)
  })

  it.each(topics.refused)('refuses %j', (topic) => {
    const verdict = checkTextLocally(topic)
    expect(verdict.decision).toBe('flagged')
    expect(verdict.moderator).toBe('local')
    expect(verdict.categories.length).toBeGreaterThan(0)
  })

  it.each(topics.allowed)('allows %j', (topic) => {
    expect(checkTextLocally(topic)).toEqual({ decision: 'allowed', moderator: 'local', categories: [] })
  })

  it('names the theme it found, never the text', () => {
    expect(matchBedtimeThemes('a pirate who stabs everyone and drinks blood').sort()).toEqual([
      'gore',
      'horror',
      'weapons_used_on_people',
    ])
    expect(checkTextLocally('the day mummy died').categories).toEqual([{ category: 'death_of_a_parent', score: 1 }])
    expect(checkTextLocally('a fucking unicorn').categories[0]).toEqual({ category: 'profanity', score: 1 })
  })

  it('folds look-alike characters and accents', () => {
    expect(checkTextLocally('a pirate who st4bs people').decision).toBe('flagged')
    expect(checkTextLocally('zómbies at night').decision).toBe('flagged')
    expect(checkTextLocally('ʃ𝐟ʃὗƈｋ').decision).toBe('flagged')
  })

  it('is honest about what it is: lower assurance, text only', async () => {
    const moderator = createLocalModerator()
    expect(moderator).toMatchObject({ name: 'local', assurance: 'lower', supportsImages: false })
    expect(await moderator.check({ text: 'a zombie that eats children' })).toMatchObject({ decision: 'flagged' })
  })
})

// The local lists are English. What the fixtures provider tells in other languages must not trip
// them (a false refusal would fail every Spanish or Arabic story offline); see README "Languages".
describe('the local moderator and stories in other languages', () => {
  const dir = new URL('../../../fixtures/stories/', import.meta.url)
  const templates = readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as TemplateFile)
  const filled = (text: string) =>
    text
      .replace(/\{\{([^{}|]*)\|[^{}|]*\}\}/g, '$1')
      .replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, key: string) => FILL[key] ?? key)

  it('has translated templates to check', () => {
    expect(new Set(templates.map((t) => t.language ?? 'en'))).toEqual(new Set(['en', 'es', 'ar']))
  })

  it.each(templates.map((t) => [t.id, t] as const))('lets every chapter of %s through', (_id, template) => {
    for (const text of [template.title, ...template.chapters.flatMap((c) => [c.title, c.content])]) {
      expect(checkTextLocally(filled(text)).categories, text.slice(0, 60)).toEqual([])
    }
  })
})

interface TemplateFile {
  id: string
  language?: string
  title: string
  chapters: Array<{ title: string; content: string }>
}
const FILL: Record<string, string> = {
  name: 'Mia',
  topic: 'la luna',
  animal: 'zorro',
  activity: 'dibujar',
  pronoun: 'she',
  possessive: 'her',
}
