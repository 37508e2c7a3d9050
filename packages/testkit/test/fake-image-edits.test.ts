import { createHash } from 'node:crypto'
import OpenAI, { toFile } from 'openai'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { FakeOpenAI, ImageEditBody } from '../src/index.ts'
import { isPng, renderFixturePng, startFakeOpenAI } from '../src/index.ts'

// POST /v1/images/edits as the real SDK sends it: multipart, `image` for one upload, `image[]` for several.
let fake: FakeOpenAI
let client: OpenAI
beforeAll(async () => {
  fake = await startFakeOpenAI()
  client = new OpenAI({ apiKey: 'test', baseURL: fake.baseURL, maxRetries: 0 })
})
afterAll(() => fake.close())
afterEach(() => fake.reset())

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
const upload = (bytes: Buffer, name: string) => toFile(bytes, name, { type: 'image/png' })
const recorded = () => fake.calls.filter((c) => c.path === '/v1/images/edits').map((c) => c.body as ImageEditBody)

describe('the fake image edits endpoint', () => {
  it('records a single image sent as `image`, and draws a PNG', async () => {
    const avatar = await renderFixturePng('avatar-sunny')
    const answer = await client.images.edit({
      model: 'gpt-image-1',
      prompt: 'a kite',
      image: await upload(avatar, 'a.png'),
    })
    expect(isPng(Buffer.from(answer.data![0]!.b64_json!, 'base64'))).toBe(true)
    expect(answer.usage?.input_tokens_details).toMatchObject({ image_tokens: 765 })
    expect(recorded()[0]).toMatchObject({
      prompt: 'a kite',
      model: 'gpt-image-1',
      images: [
        { field: 'image', filename: 'a.png', contentType: 'image/png', bytes: avatar.length, sha256: sha256(avatar) },
      ],
    })
  })

  it('records several images sent as `image[]`, in the order sent', async () => {
    const first = await renderFixturePng('avatar-curly')
    const second = await renderFixturePng('avatar-bear')
    await client.images.edit({
      model: 'gpt-image-1',
      prompt: 'two friends',
      image: [await upload(first, 'first.png'), await upload(second, 'second.png')],
      input_fidelity: 'high',
    })
    const [edit] = recorded()
    expect(edit!.input_fidelity).toBe('high')
    expect(edit!.images.map((i) => [i.field, i.sha256])).toEqual([
      ['image[]', sha256(first)],
      ['image[]', sha256(second)],
    ])
  })

  it('answers 404, or 400 unsupported, when told to, like a server without edits', async () => {
    const image = await upload(await renderFixturePng('avatar-sunny'), 'a.png')
    fake.configure({ imageEdits: 'not_found' })
    await expect(client.images.edit({ prompt: 'a kite', image })).rejects.toMatchObject({ status: 404 })
    fake.configure({ imageEdits: 'unsupported' })
    await expect(client.images.edit({ prompt: 'a kite', image })).rejects.toMatchObject({
      status: 400,
      code: 'unsupported',
    })
  })

  it('refuses an edit without an image', async () => {
    const response = await fetch(`${fake.baseURL}/images/edits`, { method: 'POST', body: new FormData() })
    expect(response.status).toBe(400)
  })
})
