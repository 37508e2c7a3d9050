import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { loadConfig } from '@dreamify/core'
import { buildImagePrompt, loadStoryTemplates } from '@dreamify/prompts'
import { aChild } from '@dreamify/testkit'
import { describe, expect, it } from 'vitest'
import { type FixtureScene, sceneFor } from '../src/providers/fixture-scenes.ts'
import { createFixturesProvider, renderFixtureStory } from '../src/providers/fixtures.ts'

const IMAGES = resolve(import.meta.dirname, '../../../fixtures/images')
const scenes: FixtureScene[] = readdirSync(IMAGES)
  .filter((file) => file.startsWith('scene-') && file.endsWith('.png'))
  .map((file) => ({ name: file.slice(0, -4), bytes: readFileSync(join(IMAGES, file)) }))
const sceneNamed = (bytes: Buffer) => scenes.find((scene) => scene.bytes.equals(bytes))?.name

const provider = createFixturesProvider(
  loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-signing',
    GENERATION_PROVIDER: 'fixtures',
    FIXTURES_IMAGE_MS: '0',
  }).generation.fixtures,
)

/** The scenes the offline provider draws for each chapter of an English template, as the image step asks. */
async function scenesOfTemplate(id: string): Promise<Array<string | undefined>> {
  const template = loadStoryTemplates().find((t) => t.id === id && (t.language ?? 'en') === 'en')
  if (!template) throw new Error(`no template ${id}`)
  const child = { ...aChild, name: 'Mia', fav_animals: 'foxes' }
  const story = renderFixtureStory({ child, topic: 'friendship', genre: 'Fantasy', chapters: 5 }, [template])
  const drawn = []
  for (const chapter of story.chapters) {
    const prompt = buildImagePrompt({ character: 'a girl', chapter, style: 'Watercolor', childName: child.name })
    drawn.push(sceneNamed((await provider.drawImage(prompt, new AbortController().signal)).bytes))
  }
  return drawn
}

describe('the offline pictures', () => {
  it('follow the story: every chapter of the clockwork city and the cloud kingdom is drawn in its own world', async () => {
    expect(await scenesOfTemplate('clockwork-city')).toEqual(Array(5).fill('scene-clockwork-city'))
    expect(await scenesOfTemplate('cloud-kingdom')).toEqual(Array(5).fill('scene-cloud-kingdom'))
  })

  it('draw the moonlit forest at night, and the seaside story on the beach and in the boat as each chapter has it', async () => {
    // Its garden, hill and bedroom too: the dark counts for every night scene, not the sunny meadow.
    expect(await scenesOfTemplate('moonlit-forest')).toEqual(Array(5).fill('scene-moonlit-forest'))
    expect(await scenesOfTemplate('seaside-lighthouse')).toEqual([
      'scene-seaside-sunset',
      'scene-night-boat',
      'scene-seaside-sunset',
      'scene-seaside-sunset',
      'scene-night-boat',
    ])
  })

  it("read the prompt's Scene line, not its style or rules, and settle ties and misses by the prompt's hash", () => {
    const prompt = (scene: string) => `A picture-book illustration in soft watercolor.\nScene: ${scene}\nNo text.`
    expect(sceneFor(scenes, prompt('Gears and a brass pendulum')).name).toBe('scene-clockwork-city')
    expect(sceneFor(scenes, prompt('Snow falls on a winter night')).name).toBe('scene-snowy-night')
    // Clover and flowers pick the sunny meadow by day, a night scene under the stars.
    expect(sceneFor(scenes, prompt('A hill of clover and flowers in the sun')).name).toBe('scene-meadow-morning')
    const starry = sceneFor(scenes, prompt('A hill of clover and flowers under the moon and the stars')).name
    expect(['scene-moonlit-forest', 'scene-night-boat', 'scene-snowy-night']).toContain(starry)
    // Only the Scene line counts: words in the other lines do not pull the picture elsewhere.
    expect(sceneFor(scenes, `Style: clouds and rain\nScene: a lighthouse by the sea`).name).toBe('scene-seaside-sunset')
    // No word matches: any scene, always the same one for the same prompt.
    const unmatched = prompt('A kitchen table with a teapot')
    expect(sceneFor(scenes, unmatched)).toBe(sceneFor(scenes, unmatched))
    // A tie stays among the tied scenes.
    const tied = new Set(
      Array.from({ length: 20 }, (_, i) => sceneFor(scenes, prompt(`a boat on the sea, take ${i}`)).name),
    )
    expect([...tied].every((name) => name === 'scene-night-boat' || name === 'scene-seaside-sunset')).toBe(true)
    expect(tied.size).toBe(2)
  })
})
