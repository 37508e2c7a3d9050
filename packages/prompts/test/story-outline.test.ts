import { describe, expect, it } from 'vitest'
import {
  buildBriefImagePrompt,
  buildChapterMessages,
  buildOutlineMessages,
  buildStory,
  castContradictions,
  loadStoryTemplates,
  outlineOfFixtureStory,
  outlineResponseFormat,
  parseChapterText,
  parseOutline,
  StoryFormatError,
} from '../src/index.ts'
import { child } from './fixtures.ts'

const outline = {
  title: 'Mia and the Moon',
  cast: [
    { name: 'Mia', description: 'a girl with curly red hair' },
    { name: 'Pip', description: 'a small otter with a blue scarf' },
  ],
  chapters: [1, 2, 3].map((n) => ({ title: `Part ${n}`, synopsis: `Synopsis ${n}.`, brief: `Brief ${n}.` })),
}

describe('the outline strategy prompts', () => {
  it('asks for the outline with its task marker, and for exactly the chapters in the schema', () => {
    const messages = buildOutlineMessages({ child, topic: 'the moon', genre: 'Fantasy', chapters: 3 })
    expect(messages.system).toMatch(/^Task: outline$/m)
    expect(messages.user).toContain('"topic": "the moon"')
    const format = outlineResponseFormat(3)
    expect(format.json_schema.name).toBe('story_outline')
    expect(format.json_schema.schema.properties.chapters).toMatchObject({ minItems: 3, maxItems: 3 })
  })

  it("gives a chapter's call the outline, the cast, its synopsis and its neighbours'", () => {
    const { system, user } = buildChapterMessages({ child, topic: 'the moon', genre: 'Fantasy', outline, number: 2 })
    expect(system).toMatch(/^Task: chapter 2 of 3$/m)
    const data = JSON.parse(user.slice(user.indexOf('{'), user.lastIndexOf('}') + 1))
    expect(data.story.cast).toEqual(outline.cast)
    expect(data.write).toEqual({
      number: 2,
      title: 'Part 2',
      synopsis: 'Synopsis 2.',
      previous: 'Synopsis 1.',
      next: 'Synopsis 3.',
    })
    const insisting = buildChapterMessages(
      { child, topic: 't', genre: 'Fantasy', outline, number: 1 },
      { castNames: true },
    )
    expect(insisting.system).toContain('the only names are Mia, Pip')
  })

  it('parses an outline of the right shape and count, and refuses anything else', () => {
    expect(parseOutline(`\`\`\`json\n${JSON.stringify(outline)}\n\`\`\``, 3)).toEqual(outline)
    expect(() => parseOutline(JSON.stringify(outline), 4)).toThrow(StoryFormatError)
    expect(() => parseOutline('{"title": "x"}', 3)).toThrow(/outline shape/)
    expect(() => parseOutline('not json', 3)).toThrow(/not valid JSON/)
  })

  it("reads a chapter's answer: a label of the right chapter is dropped, an empty or wrong one refused", () => {
    expect(parseChapterText('Chapter 2: Part 2\n\nOnce upon a time.', 2)).toBe('Once upon a time.')
    expect(parseChapterText('Once upon a time.\n\nThe end.', 2)).toBe('Once upon a time.\n\nThe end.')
    expect(() => parseChapterText('   ', 2)).toThrow(StoryFormatError)
    expect(() => parseChapterText('Chapter 3: Part 3\nText.', 2)).toThrow(/Expected chapter 2/)
  })

  it("finds the names a chapter gives that are none of the cast's", () => {
    expect(castContradictions('A girl called Mia met an otter named Pip.', outline.cast)).toEqual([])
    expect(castContradictions('An otter called Bartholomew Thistlewood waved.', outline.cast)).toEqual([
      'Bartholomew Thistlewood',
    ])
    // lower-case words after "called" are not names
    expect(castContradictions('a game called hide and seek', outline.cast)).toEqual([])
  })

  it('plans a fixture story from its template: its chapter titles and scenes, its named characters in the cast', () => {
    const templates = loadStoryTemplates()
    for (let seed = 0; seed < templates.length; seed++) {
      const story = buildStory(templates, { chapters: 5, seed, values: { name: 'Zara', animal: 'fox' } })
      const planned = outlineOfFixtureStory(story, { hero: 'Zara', animal: 'fox' })
      expect(planned.title).toBe(story.title)
      expect(planned.chapters.map((c) => c.title)).toEqual(story.chapters.map((c) => c.title))
      expect(parseOutline(JSON.stringify(planned), 5)).toEqual(planned)
      // the template's own text never contradicts the outline it was planned from
      for (const chapter of story.chapters) expect(castContradictions(chapter.content, planned.cast)).toEqual([])
    }
  })

  it("draws from the brief and the cast, never with the child's name", () => {
    const prompt = buildBriefImagePrompt({
      character: 'a young girl with curly red hair',
      brief: 'Mia and Pip on a moonlit hill.',
      cast: outline.cast,
      style: 'Watercolor',
      childName: 'Mia',
    })
    expect(prompt).toContain('Scene: The child and Pip on a moonlit hill.')
    expect(prompt).toContain('Pip: a small otter with a blue scarf')
    expect(prompt).not.toMatch(/\bMia\b/)
  })
})
