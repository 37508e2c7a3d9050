import {
  castInChapter,
  fillPlaceholders,
  loadStoryTemplates,
  type StoryTemplate,
  withoutChildName,
} from '@dreamify/prompts'
import { type FakeOpenAI, startFakeOpenAI } from '@dreamify/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { epubFile, pdfText } from '../support/books.ts'
import { ApiClient, documentedFetch } from '../support/client.ts'
import { createTestDatabase } from '../support/database.ts'
import { startApi, startWorker } from '../support/processes.ts'
import { createTestPrefix } from '../support/queues.ts'

// Stories in Spanish and Arabic end to end, with real API and worker processes: once with the
// offline fixtures provider (its translated templates), once with the openai provider through the
// real SDK against the fake server, whose records show what was asked and drawn.

interface Story {
  story_id: string
  status: string
  title: string
  language: string
  direction: string
  cast: Array<{ name: string; description: string }>
  chapters: Array<{ number: number; title: string; content: string; image_status: string }>
}

const DIRECTION = { es: 'ltr', ar: 'rtl' } as const
const TEMPLATES = loadStoryTemplates()

/** The template a story was told from, found by its title (with the name filled in). */
function templateOf(story: Story, language: 'en' | 'es' | 'ar'): StoryTemplate {
  const written = TEMPLATES.filter((t) => (t.language ?? 'en') === language)
  expect(written.length, `templates in ${language}`).toBeGreaterThanOrEqual(2)
  const template = written.find((t) => fillPlaceholders(t.title, { name: 'Mia' }) === story.title)
  expect(template, `a ${language} template titled ${JSON.stringify(story.title)}`).toBeDefined()
  return template!
}

/** A chapter's scene as the image prompt has it: the template's, the animal filled in, the name left out. */
const sceneOf = (template: StoryTemplate, chapterNumber: number) =>
  withoutChildName(
    fillPlaceholders(template.chapters[chapterNumber - 1]!.scene!, { name: 'Mia', animal: 'otters' }),
    'Mia',
  )

async function tell(parent: ApiClient, childId: string, language: 'es' | 'ar'): Promise<Story> {
  const accepted = await parent.request('POST', '/api/stories', {
    child_id: childId,
    topic: 'la luna',
    story_genre: 'Fantasy',
    image_style: 'Watercolor',
    language,
  })
  expect(accepted.status, accepted.text).toBe(202)
  const { final } = await parent.pollJob(accepted.json.job_id, { timeoutMs: 60_000 })
  expect(final).toMatchObject({ status: 'completed', error: null })
  return (await parent.request('GET', `/api/stories/${accepted.json.story_id}`)).json as Story
}

function expectWrittenIn(story: Story, language: 'es' | 'ar'): StoryTemplate {
  expect(story).toMatchObject({ status: 'completed', language, direction: DIRECTION[language] })
  const template = templateOf(story, language)
  expect(story.chapters).toHaveLength(5)
  // Chapter by chapter the template's, in its language.
  expect(story.chapters.map((c) => c.title)).toEqual(
    template.chapters.map((c) => fillPlaceholders(c.title, { name: 'Mia', gender: 'feminine' })),
  )
  const text = story.chapters.map((c) => c.content).join('\n')
  expect(text).toContain('Mia')
  expect(text).not.toContain('{{')
  // The hero is a girl: the feminine forms were chosen.
  expect(text).toContain(language === 'es' ? 'segura' : 'فكّرت')
  expect(story.cast.map((m) => m.name)).toEqual((template.cast ?? []).map((m) => m.name))
  expect(story.cast.length).toBeGreaterThan(0)
  for (const member of story.cast) expect(member.description).toMatch(/^[\x20-\x7e]+$/)
  return template
}

describe('with the fixtures provider', () => {
  let api: Awaited<ReturnType<typeof startApi>>
  let parent: ApiClient
  let childId: string

  beforeAll(async () => {
    const { url } = await createTestDatabase()
    const env = {
      DATABASE_URL: url,
      QUEUE_PREFIX: createTestPrefix(),
      GENERATION_PROVIDER: 'fixtures',
      FIXTURES_TEXT_MS: '200',
      FIXTURES_IMAGE_MS: '20',
    }
    api = await startApi(env)
    await startWorker(env)
    parent = await new ApiClient(api.url).signUp('Idiomas')
    childId = (await parent.addChild()).child.id
  }, 60_000)

  afterAll(async () => {
    expect(await api?.stop('SIGTERM')).toBe(0)
  })

  it.each(['es', 'ar'] as const)('writes and illustrates a %s story', async (language) => {
    const story = await tell(parent, childId, language)
    expectWrittenIn(story, language)
    for (const chapter of story.chapters) expect(chapter.image_status).toBe('ready')
  })

  it.each(['es', 'ar'] as const)(
    'keeps a %s story as a book in its language and direction',
    async (language) => {
      const story = await tell(parent, childId, language)
      const book = async (format: 'pdf' | 'epub') => {
        const answer = await documentedFetch(`${api.url}/api/stories/${story.story_id}/book.${format}`, {
          headers: { authorization: `Bearer ${parent.token}` },
        })
        expect(answer.status).toBe(200)
        return Buffer.from(await answer.arrayBuffer())
      }
      const text = (await pdfText(await book('pdf'))).replace(/\s+/g, ' ')
      for (const chapter of story.chapters) expect(text).toContain(chapter.title.replace(/\s+/g, ' '))
      const opf = await epubFile(await book('epub'), 'EPUB/package.opf')
      expect(opf).toContain(`<dc:language>${language}</dc:language>`)
      expect(opf).toContain(`page-progression-direction="${DIRECTION[language]}"`)
    },
    120_000,
  )

  it('lists its three languages, and refuses another with the list', async () => {
    const { json } = await parent.request('GET', '/api/options')
    expect(json.languages.map((l: { value: string }) => l.value)).toEqual(['en', 'es', 'ar'])
    const refused = await parent.request('POST', '/api/stories', {
      child_id: childId,
      topic: 'la lune',
      story_genre: 'Fantasy',
      image_style: 'Cartoon',
      language: 'fr',
    })
    expect(refused.status).toBe(400)
    expect(refused.json.message).toBe(
      'body.language must be one of the languages the fixtures provider writes: en (English), es (Español), ar (العربية)',
    )
  })
})

describe('with the openai provider', () => {
  let fake: FakeOpenAI
  let api: Awaited<ReturnType<typeof startApi>>
  let parent: ApiClient
  let childId: string

  beforeAll(async () => {
    fake = await startFakeOpenAI({ textLatencyMs: 5, imageLatencyMs: 5, tokensPerSecond: 0 })
    const { url } = await createTestDatabase()
    const env = {
      DATABASE_URL: url,
      QUEUE_PREFIX: createTestPrefix(),
      OPENAI_BASE_URL: fake.baseURL,
    }
    api = await startApi(env)
    await startWorker(env)
    parent = await new ApiClient(api.url).signUp('Lenguas')
    const { child, avatar_job_id } = await parent.addChild()
    childId = child.id
    await parent.pollJob(avatar_job_id, { timeoutMs: 30_000 })
  }, 60_000)

  afterAll(async () => {
    expect(await api?.stop('SIGTERM')).toBe(0)
    await fake?.close()
  })

  it('lists every documented language', async () => {
    const { json } = await parent.request('GET', '/api/options')
    expect(json.languages.length).toBeGreaterThan(20)
    expect(json.languages).toContainEqual({ value: 'he', label: 'עברית', direction: 'rtl' })
  })

  it.each([
    ['es', 'Spanish'],
    ['ar', 'Arabic'],
  ] as const)('writes a %s story as JSON, with English image prompts that carry the cast', async (language, name) => {
    const from = fake.calls.length
    const story = await tell(parent, childId, language)
    const template = expectWrittenIn(story, language)

    const calls = fake.calls.slice(from)
    const chat = calls.filter((c) => c.path === '/v1/chat/completions')
    expect(chat).toHaveLength(1)
    const body = chat[0]!.body as { response_format?: { type: string }; messages: Array<{ content: string }> }
    expect(body.response_format?.type).toBe('json_schema')
    expect(body.messages[0]!.content).toContain(`the whole story in ${name}`)

    // One picture a chapter, each prompt in English: the scene the text step gave (the template's, here),
    // and the looks (not the names) of the cast members its chapter names.
    const prompts = calls
      .filter((c) => c.path === '/v1/images/generations' || c.path === '/v1/images/edits')
      .map((c) => (c.body as { prompt: string }).prompt)
    expect(prompts).toHaveLength(5)
    for (const prompt of prompts) expect(prompt).toMatch(/^[\x20-\x7e\r\n’–—]+$/)
    let carried = 0
    for (const chapter of story.chapters) {
      const prompt = prompts.find((p) => p.includes(`Scene: ${sceneOf(template, chapter.number)}`))
      expect(prompt, `the picture of chapter ${chapter.number}`).toBeDefined()
      expect(prompt).toMatch(/^A children's picture-book illustration in a gentle watercolour style/)
      const present = castInChapter(story.cast, chapter.content)
      for (const member of story.cast) {
        if (present.includes(member)) expect(prompt).toContain(member.description)
        else expect(prompt).not.toContain(member.description)
      }
      carried += present.length
    }
    // The companion is in every chapter, so the cast was carried at all.
    expect(carried).toBeGreaterThanOrEqual(5)
  })

  it('carries the cast, by name, into the picture of every English chapter that names them', async () => {
    const from = fake.calls.length
    const accepted = await parent.request('POST', '/api/stories', {
      child_id: childId,
      topic: 'a lost red balloon',
      story_genre: 'Adventure',
      image_style: 'Cartoon',
    })
    expect((await parent.pollJob(accepted.json.job_id, { timeoutMs: 60_000 })).final.status).toBe('completed')
    const story = (await parent.request('GET', `/api/stories/${accepted.json.story_id}`)).json as Story
    expect(story).toMatchObject({ language: 'en', direction: 'ltr' })
    expect(story.cast.length).toBeGreaterThan(1)
    const prompts = fake.calls
      .slice(from)
      .filter((c) => c.path === '/v1/images/generations' || c.path === '/v1/images/edits')
      .map((c) => (c.body as { prompt: string }).prompt)
    expect(prompts).toHaveLength(5)
    const template = templateOf(story, 'en')
    const seen = new Set<string>()
    for (const chapter of story.chapters) {
      const prompt = prompts.find((p) => p.includes(`Scene: ${sceneOf(template, chapter.number)}`))!
      expect(prompt, `the picture of chapter ${chapter.number}`).toBeDefined()
      const present = castInChapter(story.cast, chapter.content)
      for (const member of story.cast) {
        const line = `${member.name}: ${member.description}`
        if (present.includes(member)) expect(prompt).toContain(line)
        else expect(prompt).not.toContain(line)
      }
      for (const member of present) seen.add(member.name)
    }
    // More than the companion: a character of only some chapters was carried into those only.
    expect(seen.size).toBeGreaterThan(1)
  })
})
