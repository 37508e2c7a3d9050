import { readFileSync } from 'node:fs'
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
