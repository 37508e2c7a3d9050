import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { FakeOpenAI } from '../src/index.ts'
import { collectChatStream, isPng, parseTaggedStory, readPngInfo, startFakeOpenAI, trackChild } from '../src/index.ts'

let fake: FakeOpenAI
beforeAll(async () => {
  fake = await startFakeOpenAI()
})
afterAll(() => fake.close())
afterEach(() => fake.reset())

const PROMPT =
  "Write a bedtime story in 5 chapters.\nChild's name: Ada\nPronouns: she/her\nFavourite animal: owl\nFavourite activity: painting\nTopic: volcanoes"

function post(path: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(`${fake.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...init,
  })
}

function chat(extra: Record<string, unknown> = {}, init: RequestInit = {}): Promise<Response> {
  return post(
    '/v1/chat/completions',
    {
      model: 'gpt-test',
      messages: [
        { role: 'system', content: 'You write stories.' },
        { role: 'user', content: PROMPT },
      ],
      ...extra,
    },
    init,
  )
}

/** Reads a body to the end; `failed` when the connection broke first. */
async function readAll(res: Response): Promise<{ text: string; failed: boolean }> {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let text = ''
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      text += decoder.decode(value, { stream: true })
    }
    return { text, failed: false }
  } catch {
    return { text, failed: true }
  }
}

describe('chat completions', () => {
  it('answers the tagged plain-text format with the requested chapters', async () => {
    const res = await chat()
    expect(res.status).toBe(200)
    const json = (await res.json()) as {
      object: string
      choices: Array<{ message: { role: string; content: string }; finish_reason: string }>
      usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number }
    }
    expect(json.object).toBe('chat.completion')
    expect(json.choices[0]!.finish_reason).toBe('stop')
    expect(json.usage.total_tokens).toBe(json.usage.prompt_tokens + json.usage.completion_tokens)
    const content = json.choices[0]!.message.content
    expect(content).toMatch(/^Title: /)
    expect(content).toMatch(/^Chapter 5 title: /m)
    const story = parseTaggedStory(content)!
    expect(story.chapters).toHaveLength(5)
    expect(content).toContain('Ada')
    expect(content).toContain('volcanoes')
    expect(content).not.toContain('{{')
    expect(fake.calls).toHaveLength(1)
    expect(fake.calls[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions' })
  })

  it('answers JSON with minItems chapters for a json_schema response_format', async () => {
    const schema = {
      type: 'object',
      properties: {
        title: { type: 'string' },
        chapters: { type: 'array', minItems: 3, maxItems: 3, items: { type: 'object' } },
      },
    }
    const res = await chat({
      response_format: { type: 'json_schema', json_schema: { name: 'story', strict: true, schema } },
    })
    const json = (await res.json()) as { choices: Array<{ message: { content: string } }> }
    const story = JSON.parse(json.choices[0]!.message.content) as {
      title: string
      chapters: Array<{ title: string; content: string }>
    }
    expect(story.title).toContain('Ada')
    expect(story.chapters).toHaveLength(3)
    for (const c of story.chapters) expect(c.content.length).toBeGreaterThan(500)
  })

  it('streams SSE chunks that reassemble into the story, then [DONE]', async () => {
    const res = await chat({ stream: true, stream_options: { include_usage: true } })
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const text = await res.text()
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true)
    const stream = collectChatStream(text)
    expect(stream.done).toBe(true)
    expect(stream.finishReason).toBe('stop')
    expect(stream.chunks).toBeGreaterThan(100)
    expect(stream.usage?.completion_tokens).toBeGreaterThan(100)
    expect(parseTaggedStory(stream.content)?.chapters).toHaveLength(5)
  })

  it('paces streamed tokens at tokensPerSecond', async () => {
    fake.configure({ tokensPerSecond: 2000 })
    const started = Date.now()
    const res = await post('/v1/chat/completions', {
      model: 'm',
      stream: true,
      messages: [{ role: 'user', content: 'A story in 1 chapters.' }],
    })
    const stream = collectChatStream(await res.text())
    const tokens = stream.chunks - 2
    expect(Date.now() - started).toBeGreaterThanOrEqual((tokens / 2000) * 1000 * 0.8)
  })

  it('waits textLatencyMs before answering', async () => {
    fake.configure({ textLatencyMs: 150 })
    const started = Date.now()
    await (await chat()).json()
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
  })
})

describe('images', () => {
  it('returns a b64_json PNG with gpt-image style usage', async () => {
    const res = await post('/v1/images/generations', {
      model: 'gpt-image-1',
      prompt: 'A moonlit forest with a fox',
      size: '1024x1024',
    })
    const json = (await res.json()) as {
      created: number
      data: Array<{ b64_json: string }>
      usage: { total_tokens: number }
    }
    expect(json.created).toBeGreaterThan(0)
    const png = Buffer.from(json.data[0]!.b64_json, 'base64')
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    expect(readPngInfo(png)).toMatchObject({ width: 1024, height: 1024 })
    expect(json.usage.total_tokens).toBeGreaterThan(0)
  })

  it('serves url-form images as downloadable PNGs', async () => {
    const res = await post('/v1/images/generations', {
      prompt: 'a portrait avatar of a smiling child',
      n: 2,
      response_format: 'url',
    })
    const json = (await res.json()) as { data: Array<{ url: string }> }
    expect(json.data).toHaveLength(2)
    expect(json.data[0]!.url.startsWith(`${fake.url}/files/`)).toBe(true)
    const file = await fetch(json.data[0]!.url)
    expect(file.headers.get('content-type')).toBe('image/png')
    expect(isPng(Buffer.from(await file.arrayBuffer()))).toBe(true)
    expect((await fetch(`${fake.url}/files/nope.png`)).status).toBe(404)
  })
})

describe('faults', () => {
  it('429 carries Retry-After, retry-after-ms and the OpenAI error body; the queue is consumed', async () => {
    fake.configure({ failNext: ['429'], faults: { retryAfterSeconds: 2 } })
    const res = await chat()
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('2')
    expect(res.headers.get('retry-after-ms')).toBe('2000')
    expect(await res.json()).toMatchObject({ error: { type: 'requests', code: 'rate_limit_exceeded', param: null } })
    expect((await chat()).status).toBe(200)
    expect(fake.calls.map((c) => c.fault)).toEqual(['429', undefined])
  })

  it('refusal is a 400 content_policy_violation; 401 and 500 use the same error shape', async () => {
    fake.configure({ failNext: ['refusal', '401', '500'] })
    const refusal = await chat()
    expect(refusal.status).toBe(400)
    expect(await refusal.json()).toEqual({
      error: {
        message: expect.any(String),
        type: 'invalid_request_error',
        code: 'content_policy_violation',
        param: null,
      },
    })
    const unauthorised = await chat()
    expect(unauthorised.status).toBe(401)
    expect(await unauthorised.json()).toMatchObject({ error: { code: 'invalid_api_key' } })
    const broken = await chat()
    expect(broken.status).toBe(500)
    expect(await broken.json()).toMatchObject({ error: { type: 'server_error' } })
  })

  it('hang never answers, so an AbortSignal timeout fires', async () => {
    fake.configure({ failNext: ['hang'] })
    const started = Date.now()
    await expect(chat({}, { signal: AbortSignal.timeout(200) })).rejects.toMatchObject({ name: 'TimeoutError' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
    expect(fake.calls[0]!.fault).toBe('hang')
  })

  it('break closes a stream early, without [DONE]', async () => {
    fake.configure({ failNext: ['break'] })
    const res = await chat({ stream: true })
    expect(res.status).toBe(200)
    const { text } = await readAll(res)
    expect(text).not.toContain('[DONE]')
    const partial = collectChatStream(text).content
    expect(partial.length).toBeGreaterThan(100)
    expect(parseTaggedStory(partial)?.chapters.length ?? 0).toBeLessThan(5)
  })

  it('malformed answers are not valid stories', async () => {
    fake.configure({ failNext: ['malformed', 'malformed'] })
    const plain = (await (await chat()).json()) as { choices: Array<{ message: { content: string } }> }
    expect(parseTaggedStory(plain.choices[0]!.message.content)).toBeNull()
    const schema = { type: 'object', properties: { chapters: { type: 'array', minItems: 5 } } }
    const json = (await (
      await chat({ response_format: { type: 'json_schema', json_schema: { name: 's', schema } } })
    ).json()) as { choices: Array<{ message: { content: string } }> }
    let chapters = 0
    try {
      chapters = (JSON.parse(json.choices[0]!.message.content) as { chapters?: unknown[] }).chapters?.length ?? 0
    } catch {
      chapters = -1
    }
    expect(chapters).not.toBe(5)
  })

  it('scope limits faults to one endpoint', async () => {
    fake.configure({ scope: 'images', failNext: ['500'] })
    expect((await chat()).status).toBe(200)
    expect((await post('/v1/images/generations', { prompt: 'a boat' })).status).toBe(500)
  })

  it('seeded random rates are deterministic', async () => {
    const run = async (): Promise<number[]> => {
      fake.configure({ seed: 42, faults: { rate500: 0.5 } })
      const statuses: number[] = []
      for (let i = 0; i < 12; i++)
        statuses.push((await post('/v1/images/generations', { prompt: 'a boat', n: 1 })).status)
      return statuses
    }
    const first = await run()
    expect(first).toContain(500)
    expect(first).toContain(200)
    expect(await run()).toEqual(first)
  })

  it('requires the api key when one is configured', async () => {
    fake.configure({ apiKey: 'sk-test' })
    expect((await chat()).status).toBe(401)
    expect(
      (await chat({}, { headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' } })).status,
    ).toBe(200)
  })
})

describe('control endpoints', () => {
  it('/__control reconfigures, /__calls counts, /__reset clears', async () => {
    const control = await post('/__control', { failNext: ['refusal'], textLatencyMs: 0 })
    expect(control.status).toBe(200)
    expect((await chat()).status).toBe(400)
    await post('/v1/images/generations', { prompt: 'clouds' })
    const counts = (await (await fetch(`${fake.url}/__calls`)).json()) as {
      total: number
      counts: Record<string, number>
    }
    expect(counts.total).toBe(2)
    expect(counts.counts).toEqual({ '/v1/chat/completions': 1, '/v1/images/generations': 1 })
    expect((await post('/__control', { failNext: ['nope'] })).status).toBe(400)
    await post('/__reset', {})
    expect(fake.calls).toHaveLength(0)
    expect(((await (await fetch(`${fake.url}/__calls`)).json()) as { total: number }).total).toBe(0)
  })

  it('close() ends hanging requests', async () => {
    const other = await startFakeOpenAI({ failNext: ['hang'] })
    const pending = fetch(`${other.baseURL}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    })
    await new Promise((r) => setTimeout(r, 50))
    await other.close()
    await expect(pending).rejects.toThrow()
  })
})

describe('cli', () => {
  it('prints its url, obeys flags and stops on SIGTERM', async () => {
    const cli = fileURLToPath(new URL('../src/fake-openai-cli.ts', import.meta.url))
    const child = spawn(process.execPath, [cli, '--port', '0', '--fail-next', '429', '--retry-after-seconds', '3'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    void trackChild(child) // recorded for the run's check that nothing is left running
    const line = await new Promise<string>((resolve) => {
      let out = ''
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.includes('\n')) resolve(out.split('\n')[0]!)
      })
    })
    const { url, baseURL } = JSON.parse(line) as { url: string; baseURL: string }
    expect(baseURL).toBe(`${url}/v1`)
    const res = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    })
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('3')
    child.kill('SIGTERM')
    const [code] = (await once(child, 'exit')) as [number | null]
    expect(code).toBe(0)
  })
})
