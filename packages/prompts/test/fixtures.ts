import { mulberry32 } from '@dreamify/testkit'
import type { StoryChild } from '../src/index.ts'

export const child: StoryChild = {
  name: 'Mia',
  age_range: '4-6',
  sex: 'Female',
  eye_color: 'Hazel',
  hair_type: 'Curly',
  hair_color: 'Auburn',
  ethnicity: 'Irish',
  fav_animals: 'foxes and owls',
  fav_activities: 'painting',
  fav_shows: null,
}

export const cleanTaggedStory = [
  'Title: Mia and the Moon Fox',
  'Chapter 1 title: A Knock at the Window',
  'Chapter 1: Mia was painting stars when something tapped on the glass.',
  '',
  'It was a small silver fox with a lantern.',
  'Chapter 2 title: Over the Rooftops',
  'Chapter 2: The fox led Mia across the sleeping town.',
  '',
  '"Hold on tight," said the fox.',
  'Chapter 3 title: Home to Bed',
  'Chapter 3: They floated home on a moonbeam.',
  '',
  'Mia yawned and snuggled under her quilt.',
].join('\n')

export const expectedCleanDraft = {
  title: 'Mia and the Moon Fox',
  cast: [] as Array<{ name: string; description: string }>,
  chapters: [
    {
      number: 1,
      title: 'A Knock at the Window',
      content:
        'Mia was painting stars when something tapped on the glass.\n\nIt was a small silver fox with a lantern.',
    },
    {
      number: 2,
      title: 'Over the Rooftops',
      content: 'The fox led Mia across the sleeping town.\n\n"Hold on tight," said the fox.',
    },
    {
      number: 3,
      title: 'Home to Bed',
      content: 'They floated home on a moonbeam.\n\nMia yawned and snuggled under her quilt.',
    },
  ],
}

/** Everything a chatty model does at once: preamble, markdown, lower-case labels, CRLF, "The End", a sign-off. */
export const messyTaggedStory = [
  'Sure! Here is a bedtime story for Mia:',
  '',
  '**Title:** Mia and the',
  'Moon Fox',
  '',
  '## Chapter 1 title: A Knock at the Window',
  '**Chapter 1:** Mia was painting stars when something tapped on the glass.',
  '',
  'It was a small silver fox with a lantern.',
  '',
  '---',
  '',
  '## chapter 2 title: *Over the Rooftops*',
  'chapter 2:',
  'The fox led Mia across the sleeping town.',
  '',
  '',
  '"Hold on tight," said the fox.',
  '### **Chapter Three Title:** Home to Bed',
  'Chapter 3: They floated home on a moonbeam.',
  '',
  'Mia yawned and snuggled under her quilt.',
  '',
  '*The End.*',
  '',
  'I hope Mia enjoys this story! Let me know if you would like any changes.',
].join('\r\n')

export const structuredStory = JSON.stringify({
  title: 'Mia and the Moon Fox',
  cast: [] as Array<{ name: string; description: string }>,
  chapters: expectedCleanDraft.chapters.map(({ title, content }) => ({ title, content })),
})

// Seeded, so a failing random chunking can be reproduced from its seed.
export function randomChunks(text: string, seed: number, minSize = 1, maxSize = 7): string[] {
  const random = mulberry32(seed)
  const chunks: string[] = []
  for (let at = 0; at < text.length; ) {
    const size = minSize + Math.floor(random() * (maxSize - minSize + 1))
    chunks.push(text.slice(at, at + size))
    at += size
  }
  return chunks
}
