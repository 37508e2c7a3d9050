import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import { trackChild } from '@dreamify/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { escapeHtml, paragraphs, renderStoryHtml, type StoryDocument, toDataUri } from '../../scripts/demo/html.ts'
import { fitToWidth, formatElapsed, progressBar, progressLine } from '../../scripts/demo/progress.ts'
import { createTestDatabase } from '../support/database.ts'
import { freePort, startApi, startWorker } from '../support/processes.ts'
import { createTestPrefix } from '../support/queues.ts'

const ROOT = resolve(import.meta.dirname, '../..')

/** Runs `node scripts/demo.ts` as a user would, with only the environment given. */
function runDemo(
  env: Record<string, string>,
  timeoutMs = 90_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['scripts/demo.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    void trackChild(child) // recorded for the run's check that nothing is left running
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error(`the demo did not exit within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`))
    }, timeoutMs)
    child.once('error', fail)
    child.once('exit', (code) => {
      clearTimeout(timer)
      done({ code, stdout, stderr })
    })
  })
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex')

const aStory = (overrides: Partial<StoryDocument> = {}): StoryDocument => ({
  story_id: '00000000-0000-4000-8000-000000000000',
  title: 'Luna and the Moon',
  child_name: 'Luna',
  topic: 'a shy owl',
  story_genre: 'Adventure',
  image_style: 'Watercolor',
  completed_at: '2025-01-02T03:04:05.000Z',
  chapters: [1, 2, 3].map((number) => ({
    number,
    title: `Chapter title ${number}`,
    content: `First paragraph ${number}.\n\nSecond paragraph ${number}.`,
  })),
  ...overrides,
})

describe('renderStoryHtml', () => {
  it("marks the story's own words with its language and direction, the page around them staying English", () => {
    const html = renderStoryHtml(aStory({ title: 'ليلى والقمر', language: 'ar', direction: 'rtl' }))
    expect(html).toContain('<html lang="en">')
    expect(html).toContain('<h1 lang="ar" dir="rtl">ليلى والقمر</h1>')
    expect(html.match(/<div class="text" lang="ar" dir="rtl">/g)).toHaveLength(3)
    expect(renderStoryHtml(aStory({ language: 'en', direction: 'ltr' }))).not.toContain('dir=')
  })

  it('escapes every piece of text: title, child name, topic, chapter titles and content', () => {
    const evil = '<b>&"\'</b>'
    const html = renderStoryHtml(
      aStory({
        title: `<b>&"`,
        child_name: `<script>alert(1)</script>`,
        topic: evil,
        image_style: `"><img src=x onerror=alert(1)>`,
        chapters: [
          {
            number: 1,
            title: `</h2><script>x()</script>`,
            content: `a < b && c > "d"\n\n<iframe src="https://evil.example">`,
          },
        ],
      }),
      new Map([[1, toDataUri(PNG, 'image/png')!]]),
    )
    expect(html).toContain('<title>&lt;b&gt;&amp;&quot;</title>')
    expect(html).toContain('<h1>&lt;b&gt;&amp;&quot;</h1>')
    expect(html).not.toContain('<b>&"')
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toMatch(/<iframe/i)
    expect(html).not.toMatch(/<img src=x/i)
    expect(html).not.toMatch(/<[a-z][^>]*onerror/i)
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).toContain('a &lt; b &amp;&amp; c &gt; &quot;d&quot;')
    expect(html).toContain('&lt;iframe src=&quot;https://evil.example&quot;&gt;')
    // Exactly one image, the embedded one.
    expect(html.match(/<img /g)).toHaveLength(1)
    expect(html).toContain('<img src="data:image/png;base64,')
  })

  it('is a complete, self-contained document: one heading and one picture per chapter, no scripts or external URLs', () => {
    const images = new Map([1, 2, 3].map((n) => [n, toDataUri(PNG, 'image/png')!]))
    const html = renderStoryHtml(aStory(), images)
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">')
    expect(html).toContain('<meta charset="utf-8">')
    expect(html).toContain("default-src 'none'; img-src data:")
    expect(html.match(/<h2><span class="number">Chapter \d<\/span>/g)).toHaveLength(3)
    expect(html.match(/<img src="data:image\/png;base64,/g)).toHaveLength(3)
    expect(html).toContain('A bedtime story for Luna')
    expect(html).not.toMatch(/<script|<link|src="http|url\(/i)
    // Paragraphs keep their order.
    expect(html.indexOf('First paragraph 2.')).toBeLessThan(html.indexOf('Second paragraph 2.'))
    expect(html.indexOf('Second paragraph 2.')).toBeLessThan(html.indexOf('First paragraph 3.'))
  })

  it('leaves out images that are not base64 raster data: URIs, and says so', () => {
    const html = renderStoryHtml(
      aStory({
        chapters: [
          { number: 1, title: 'One', content: 'x' },
          { number: 2, title: 'Two', content: 'y' },
          { number: 3, title: 'Three', content: 'z' },
        ],
      }),
      new Map([
        [1, 'javascript:alert(1)'],
        [2, 'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4='],
        [3, 'data:image/png;base64,AAAA" onerror="alert(1)'],
      ]),
    )
    expect(html).not.toContain('<img')
    expect(html.match(/no picture yet/g)).toHaveLength(3)
    expect(toDataUri(PNG, 'image/svg+xml')).toBeUndefined()
    expect(toDataUri(new Uint8Array(), 'image/png')).toBeUndefined()
    expect(toDataUri(PNG, 'image/png; charset=binary')).toMatch(/^data:image\/png;base64,/)
  })

  it('uses a fallback title, sorts chapters, and turns blank lines into paragraphs and single newlines into breaks', () => {
    const html = renderStoryHtml(
      aStory({
        title: null,
        chapters: [
          { number: 2, title: 'B', content: 'b' },
          { number: 1, title: 'A', content: 'a' },
        ],
      }),
    )
    expect(html).toContain('<h1>A story for Luna</h1>')
    expect(html.indexOf('id="chapter-1"')).toBeLessThan(html.indexOf('id="chapter-2"'))
    expect(paragraphs('one\n\n\ntwo\r\nstill two\n \nthree')).toBe(
      '<p>one</p>\n<p>two<br>\nstill two</p>\n<p>three</p>',
    )
    expect(escapeHtml(`a\u0000b<'>`)).toBe('ab&lt;&#39;&gt;')
  })
})

describe('progressLine', () => {
  it('shows the stage, a bar, the percent, chapters written and illustrated, and the elapsed time', () => {
    const line = progressLine(
      {
        stage: 'illustrating',
        percent: 58,
        chaptersTotal: 5,
        chaptersWritten: 5,
        chaptersIllustrated: 2,
        elapsedMs: 7_400,
      },
      { barWidth: 10 },
    )
    expect(line).toBe('illustrating [██████░░░░]  58%  written 5/5  illustrated 2/5  0:07')
    const ascii = progressLine(
      { stage: 'queued', percent: 0, chaptersTotal: 0, chaptersWritten: 0, chaptersIllustrated: 0, elapsedMs: 0 },
      { barWidth: 4, ascii: true },
    )
    expect(ascii).toBe('queued       [----]   0%  written 0/?  illustrated 0/?  0:00')
  })

  it('clamps the bar and formats long times', () => {
    expect(progressBar(150, 4, true)).toBe('[####]')
    expect(progressBar(-5, 4, true)).toBe('[----]')
    expect(progressBar(Number.NaN, 4, true)).toBe('[----]')
    expect(formatElapsed(65_000)).toBe('1:05')
    expect(formatElapsed(3_723_000)).toBe('1:02:03')
    expect(fitToWidth('abcdef', 4)).toBe('abc')
    expect(fitToWidth('abc', undefined)).toBe('abc')
  })
})

describe('./dreamify demo against real processes', () => {
  let api: Awaited<ReturnType<typeof startApi>>
  let out: string

  beforeAll(async () => {
    const { url } = await createTestDatabase()
    const prefix = createTestPrefix()
    const env = {
      DATABASE_URL: url,
      QUEUE_PREFIX: prefix,
      GENERATION_PROVIDER: 'fixtures',
      FIXTURES_TEXT_MS: '500',
      FIXTURES_IMAGE_MS: '50',
    }
    api = await startApi(env)
    await startWorker(env)
    out = mkdtempSync(join(tmpdir(), 'dreamify-demo-'))
  }, 120_000)

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true })
  })

  it('writes the finished story to one self-contained HTML file and prints its path last', async () => {
    const { code, stdout, stderr } = await runDemo({
      DREAMIFY_API_URL: api.url,
      DREAMIFY_DEMO_OUT: out,
      DREAMIFY_DEMO_TIMEOUT_MS: '60000',
    })
    expect(code, `stdout:\n${stdout}\nstderr:\n${stderr}`).toBe(0)
    const lines = stdout.trimEnd().split('\n')
    const file = lines.at(-1)!
    expect(isAbsolute(file)).toBe(true)
    expect(file).toMatch(
      new RegExp(`^${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/dreamify-story-[0-9a-f-]{36}\\.html$`),
    )
    expect(existsSync(file)).toBe(true)
    // Not a terminal: plain progress lines, ending at 100%.
    expect(stdout).not.toContain('\r')
    expect(lines.some((line) => /^done +\[#+\] 100% +written 5\/5 +illustrated 5\/5/.test(line))).toBe(true)

    const html = readFileSync(file, 'utf8')
    const storyId = /dreamify-story-([0-9a-f-]{36})\.html$/.exec(file)![1]!
    const title = /<h1>(.*?)<\/h1>/.exec(html)?.[1]
    expect(title).toMatch(/Luna/)
    expect(html).toContain(`<title>${title}</title>`)
    expect(html).toContain('A bedtime story for Luna')
    expect(html.match(/<h2><span class="number">Chapter \d<\/span>[^<]+<\/h2>/g)).toHaveLength(5)
    expect(html.match(/<img src="data:image\/png;base64,[A-Za-z0-9+/]+={0,2}"/g)).toHaveLength(5)
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toContain('/api/images/')
    // Every chapter's text is there, escaped (the fixtures' dialogue has quotation marks).
    expect(html).toContain('&quot;')
    const words = html.replace(/<[^>]+>/g, ' ').split(/\s+/).length
    expect(words).toBeGreaterThan(1200)
    expect(stdout).toContain(storyId)
  }, 120_000)

  it('fails with a clear message naming the URL when nothing listens there', async () => {
    const url = `http://127.0.0.1:${await freePort()}`
    const { code, stdout, stderr } = await runDemo({ DREAMIFY_API_URL: url, DREAMIFY_DEMO_OUT: out })
    expect(code).not.toBe(0)
    expect(stderr).toContain(url)
    expect(stderr).toContain('./dreamify start')
    expect(stdout).not.toMatch(/\.html$/m)
  })
})
