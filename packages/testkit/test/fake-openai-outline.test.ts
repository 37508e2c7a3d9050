import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { FakeOpenAI } from '../src/index.ts'
import { startFakeOpenAI } from '../src/index.ts'

// The fake OpenAI server's answers to an outlined story's calls (GENERATION_STRATEGY=outline).
let fake: FakeOpenAI
beforeAll(async () => {
  fake = await startFakeOpenAI()
})
afterAll(() => fake.close())
afterEach(() => fake.reset())

const DATA =
  '<story_data>\n{"child": {"name": "Ada", "favourite_animals": "owls"}, "topic": "volcanoes"}\n</story_data>'

async function chat(task: string) {
  const response = await fetch(`${fake.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'gpt-test',
      messages: [
        { role: 'system', content: `You plan stories.\n${task}\n` },
        { role: 'user', content: DATA },
      ],
    }),
  })
  return { status: response.status, content: (await response.json()).choices?.[0]?.message?.content as string }
}

describe('the fake server and outlined stories', () => {
  it('plans from its template: the chapter titles, a synopsis and a brief each, the hero in the cast', async () => {
    const { content } = await chat('Task: outline')
    const outline = JSON.parse(content)
    expect(outline.chapters).toHaveLength(5)
    expect(outline.cast[0].name).toBe('Ada')
    for (const chapter of outline.chapters) {
      expect(chapter.title).toBeTruthy()
      expect(chapter.synopsis).toBeTruthy()
      expect(chapter.brief).toBeTruthy()
    }
    const { content: second } = await chat('Task: chapter 2 of 5')
    expect(second).not.toMatch(/^Chapter/)
    expect(second.length).toBeGreaterThan(100)
    expect(fake.calls.at(-1)!.usage!.completion_tokens).toBeGreaterThan(20)
  })

  it('fails the chapters it is told to, once each, and miscasts the next chapter when asked', async () => {
    fake.configure({ failChapterNext: [3], miscastNext: 1 })
    expect((await chat('Task: chapter 3 of 5')).status).toBe(500)
    const again = await chat('Task: chapter 3 of 5')
    expect(again.status).toBe(200)
    expect(again.content).toContain('called Bartholomew')
    expect((await chat('Task: chapter 3 of 5')).content).not.toContain('Bartholomew')
  })
})
