import { describe, expect, it } from 'vitest'
import {
  buildImagePrompt,
  buildStoryMessages,
  chooseStandInName,
  restoreChildName,
  withoutChildName,
} from '../src/index.ts'

const child = {
  name: 'Mia',
  age_range: '4-6' as const,
  sex: 'Female' as const,
  eye_color: 'Green' as const,
  hair_type: 'Curly' as const,
  hair_color: 'Red' as const,
  ethnicity: 'Irish',
  fav_animals: 'otters',
  fav_activities: null,
  fav_shows: null,
}

describe("the child's stand-in name", () => {
  it('is the same for a story every time, and differs from the name and every other field', () => {
    const standIn = chooseStandInName('story-1', child, 'a lost red balloon')
    expect(chooseStandInName('story-1', child, 'a lost red balloon')).toBe(standIn)
    expect(standIn).not.toBe('Mia')
    for (let i = 0; i < 50; i++) {
      const other = chooseStandInName(`story-${i}`, { ...child, fav_animals: `otters and ${standIn.toLowerCase()}s` })
      expect(other).not.toBe(standIn)
    }
  })

  it('is what the prompt carries instead of the name', () => {
    const standIn = chooseStandInName('story-2', child)
    const { user } = buildStoryMessages({
      child: { ...child, name: standIn },
      topic: 'a lost red balloon',
      genre: 'Fantasy',
      chapters: 3,
      format: 'json',
    })
    expect(user).toContain(standIn)
    expect(user).not.toContain('Mia')
  })

  it('is put back with possessives and capitals', () => {
    const text =
      "Quillon woke up. Quillon's otter said: QUILLON, look! The quillon-shaped cloud drifted. Quillonia stayed."
    expect(restoreChildName(text, 'Quillon', 'Mia')).toBe(
      "Mia woke up. Mia's otter said: MIA, look! The Mia-shaped cloud drifted. Quillonia stayed.",
    )
  })

  it('never reaches an image prompt', () => {
    expect(withoutChildName("Mia ran home. She hugged Mia's otter and mia laughed.", 'Mia')).toBe(
      "The child ran home. She hugged the child's otter and the child laughed.",
    )
    const prompt = buildImagePrompt({
      character: 'a young girl',
      chapter: { title: 'Home', content: "Mia's balloon floated away. Mia ran after it." },
      style: 'Cartoon',
      childName: 'Mia',
    })
    expect(prompt).not.toMatch(/mia/i)
  })

  it('asks for a gentler story when strict', () => {
    const input = { child, topic: 'dragons', genre: 'Fantasy' as const, chapters: 3, format: 'json' as const }
    expect(buildStoryMessages(input, { strict: true }).system).toMatch(/absolutely no violence/)
    expect(buildStoryMessages(input).system).not.toMatch(/absolutely no violence/)
  })
})
