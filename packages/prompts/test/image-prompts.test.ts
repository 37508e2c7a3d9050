import type { ImageStyle } from '@dreamify/core'
import { describe, expect, it } from 'vitest'
import {
  buildAvatarPrompt,
  buildImagePrompt,
  buildSaferAvatarPrompt,
  describeCharacter,
  imageStylePhrase,
  summarizeScene,
} from '../src/index.ts'
import { child } from './fixtures.ts'

const styles: ImageStyle[] = ['Cartoon', 'Realistic', 'Fantasy', 'Watercolor', 'Anime']
const character = describeCharacter(child)
const chapter = {
  title: 'Over the Rooftops',
  content: 'The fox led Mia across the sleeping town. The chimneys puffed tiny clouds.\n\nThen they reached the river.',
}

describe('describeCharacter', () => {
  it('describes age, sex, heritage, hair and eyes but not the name', () => {
    expect(character).toBe('a young girl about 5 years old, of Irish heritage, with curly auburn hair and hazel eyes')
    expect(character).not.toContain('Mia')
  })

  it('words each age range', () => {
    expect(describeCharacter({ ...child, age_range: '0-3', sex: 'Male' })).toMatch(/^a toddler boy about 2 years old/)
    expect(describeCharacter({ ...child, age_range: '7-9' })).toMatch(/^a girl about 8 years old/)
    expect(describeCharacter({ ...child, age_range: '10-13' })).toMatch(/^a preteen girl about 11 years old/)
  })

  it('handles bald from either hair field', () => {
    expect(describeCharacter({ ...child, hair_type: 'Bald' })).toContain('with a bald head and hazel eyes')
    expect(describeCharacter({ ...child, hair_color: 'Bald' })).toContain('with a bald head and hazel eyes')
  })

  it('avoids the word "kinky" and omits a missing ethnicity', () => {
    const description = describeCharacter({ ...child, hair_type: 'Kinky', ethnicity: null })
    expect(description).toBe('a young girl about 5 years old, with tightly coiled auburn hair and hazel eyes')
  })

  it('strips markup and line breaks from ethnicity', () => {
    expect(describeCharacter({ ...child, ethnicity: 'Irish\n"<b>" {x}' })).toContain('of Irish b x heritage')
  })
})

describe('buildImagePrompt', () => {
  it.each(styles)('%s: includes the style phrase, character, scene and the no-text rule', (style) => {
    const prompt = buildImagePrompt({ character, chapter, style })
    expect(prompt).toContain(imageStylePhrase(style))
    expect(prompt).toContain(character)
    expect(prompt).toContain('The fox led Mia across the sleeping town. The chimneys puffed tiny clouds.')
    expect(prompt).not.toContain('river')
    expect(prompt).toContain('No text, letters or words in the picture.')
    expect(prompt).toMatch(/child-friendly/i)
  })

  it('has a distinct phrase per style', () => {
    expect(new Set(styles.map(imageStylePhrase)).size).toBe(styles.length)
  })

  it('keeps a long scene to about 400 characters at a word boundary', () => {
    const scene = summarizeScene(`${'word '.repeat(200)}end.`)
    expect(scene.length).toBeLessThanOrEqual(400)
    expect(scene).toMatch(/word…$/)
  })
})

describe('buildAvatarPrompt', () => {
  it('is a friendly portrait with the character, a style and the no-text rule', () => {
    const prompt = buildAvatarPrompt({ character, style: 'Anime' })
    expect(prompt).toMatch(/portrait/)
    expect(prompt).toContain(character)
    expect(prompt).toContain(imageStylePhrase('Anime'))
    expect(prompt).toContain('No text, letters or words in the picture.')
  })

  it('defaults to the cartoon style', () => {
    expect(buildAvatarPrompt({ character })).toContain(imageStylePhrase('Cartoon'))
  })
})

describe('buildSaferAvatarPrompt', () => {
  it('is still a portrait of the character, calmer, with the no-text rule', () => {
    const prompt = buildSaferAvatarPrompt({ character, style: 'Watercolor' })
    expect(prompt).toMatch(/portrait/)
    expect(prompt).toContain(character)
    expect(prompt).toContain(imageStylePhrase('Watercolor'))
    expect(prompt).toMatch(/nothing frightening/)
    expect(prompt).toContain('No text, letters or words in the picture.')
    expect(prompt).not.toBe(buildAvatarPrompt({ character, style: 'Watercolor' }))
  })
})
