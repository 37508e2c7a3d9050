// 10. reference (issue 15): what drawing each chapter from the child's avatar costs, in input
// tokens and image inputs per story, with OPENAI_IMAGE_REFERENCE=auto and off, counted from the
// fake OpenAI-compatible server's records of what it was sent.
import {
  type ChatRequestBody,
  estimateTokens,
  type ImageEditBody,
  INPUT_IMAGE_TOKENS,
  promptText,
  type RecordedCall,
  startFakeOpenAI,
} from '@dreamify/testkit'
import type { Figure, Outcome } from './report.ts'
import {
  ApiClient,
  type BenchContext,
  onFakeProvider,
  round,
  sleep,
  startApi,
  startWorker,
  waitForAvatars,
} from './support/index.ts'

const STORIES = 3
const TIMEOUT_MS = 120_000

interface Cost {
  textTokens: number
  imagePromptTokens: number
  imageInputs: number
  edits: number
  generations: number
}

/** What the fake was sent for the stories' text and chapter pictures, per story. */
function costOf(calls: RecordedCall[], stories: number): Cost {
  const chat = calls.filter((c) => c.path === '/v1/chat/completions').map((c) => c.body as ChatRequestBody)
  const edits = calls.filter((c) => c.path === '/v1/images/edits').map((c) => c.body as ImageEditBody)
  const generations = calls.filter((c) => c.path === '/v1/images/generations').map((c) => c.body as { prompt: string })
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0)
  // As the fake counts a chat call's prompt tokens: its text, plus 4 per message.
  const textTokens = sum(chat.map((body) => estimateTokens(promptText(body)) + 4 * (body.messages?.length ?? 0)))
  const prompts = [...edits.map((e) => String(e.prompt)), ...generations.map((g) => g.prompt)]
  return {
    textTokens: textTokens / stories,
    imagePromptTokens: sum(prompts.map(estimateTokens)) / stories,
    imageInputs: sum(edits.map((e) => e.images.length)) / stories,
    edits: edits.length / stories,
    generations: generations.length / stories,
  }
}

async function storiesCosting(client: ApiClient, fake: Awaited<ReturnType<typeof startFakeOpenAI>>): Promise<Cost> {
  const from = fake.calls.length
  for (let i = 0; i < STORIES; i++) {
    const { jobId } = await client.requestStory(`a lighthouse that lost its light, night ${i + 1}`)
    const deadline = Date.now() + TIMEOUT_MS
    for (;;) {
      const { json } = await client.request('GET', `/api/jobs/${jobId}`)
      if (json.status === 'completed') break
      if (json.status === 'failed' || json.status === 'cancelled' || Date.now() > deadline)
        throw new Error(`the story ended ${json.status}: ${JSON.stringify(json.error)}`)
      await sleep(100)
    }
  }
  return costOf(fake.calls.slice(from), STORIES)
}

export async function reference({ pool, prefix, log }: BenchContext): Promise<Outcome> {
  const fake = await startFakeOpenAI({ tokensPerSecond: 0 })
  try {
    const env = {
      ...onFakeProvider(fake, prefix),
      STORIES_IN_FLIGHT_PER_PARENT: '0',
      STORIES_PER_DAY_PER_PARENT: '0',
    }
    const api = await startApi(env)
    const costs: Record<'auto' | 'off', Cost> = {} as Record<'auto' | 'off', Cost>
    for (const setting of ['auto', 'off'] as const) {
      const worker = await startWorker({ ...env, OPENAI_IMAGE_REFERENCE: setting })
      const client = await new ApiClient(api.url).setUp(`Reference${setting}`)
      await waitForAvatars(pool)
      costs[setting] = await storiesCosting(client, fake)
      await worker.stop()
      const c = costs[setting]
      log(
        `OPENAI_IMAGE_REFERENCE=${setting}: ${round(c.textTokens, 0)} text and ${round(c.imagePromptTokens, 0)} image-prompt tokens, ${c.imageInputs} image inputs per story`,
      )
    }
    await api.stop()

    const figures: Figure[] = []
    for (const setting of ['auto', 'off'] as const) {
      const c = costs[setting]
      const imageTokens = c.imageInputs * INPUT_IMAGE_TOKENS
      figures.push(
        { label: `${setting}: story text input tokens per story`, value: c.textTokens, unit: 'tokens', digits: 0 },
        { label: `${setting}: image prompt tokens per story`, value: c.imagePromptTokens, unit: 'tokens', digits: 0 },
        { label: `${setting}: image inputs per story`, value: c.imageInputs, unit: 'images', digits: 1 },
        {
          label: `${setting}: input tokens per story, all told`,
          value: c.textTokens + c.imagePromptTokens + imageTokens,
          unit: 'tokens',
          digits: 0,
        },
      )
    }
    const { auto, off } = costs
    return {
      setup: `${STORIES} stories of 5 chapters for one child (its avatar drawn first) with OPENAI_IMAGE_REFERENCE=auto, then ${STORIES} with off, each on a fresh worker (GENERATION_PROVIDER=openai) against the fake OpenAI-compatible server at zero latency, which records every request: the chat prompts, the image prompts and, for /v1/images/edits, each input image. Tokens are the fake's own estimate (4 characters a token, 4 more per chat message); an input image is counted at ${INPUT_IMAGE_TOKENS} tokens, the fake's figure for a 1024×1024 picture (providers bill input images at their own rates, higher with input_fidelity high). The avatar itself is drawn once per child and is not counted.`,
      figures,
      notes: [
        `auto: ${auto.edits} chapters drawn with images.edit and ${auto.generations} with images.generate per story; off: ${off.edits} and ${off.generations}.`,
        `A reference prompt says that the hero is the child in the reference picture instead of describing the child in words, so the image prompts cost about the same (${round(auto.imagePromptTokens, 0)} tokens per story with references, ${round(off.imagePromptTokens, 0)} without); the cost of references is the ${auto.imageInputs} input images, ${auto.imageInputs * INPUT_IMAGE_TOKENS} tokens per story at the fake's rate.`,
        `The story text costs the same either way (${round(auto.textTokens, 0)} and ${round(off.textTokens, 0)} tokens): references change only the pictures.`,
      ],
    }
  } finally {
    await fake.close()
  }
}
