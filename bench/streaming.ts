// 7. streaming (issue 5): the time to the first illustrated chapter and to the whole story, with
// STREAMING=true and false, against the fake OpenAI-compatible server at a realistic pace.
import { loadStoryTemplates } from '@dreamify/prompts'
import { type ChatRequestBody, replyContent, splitIntoTokens, storyForRequest } from '@dreamify/testkit'
import { atProviderPace, POLL_MS, PROVIDER_PACE, type StoryTiming, timeStory } from './provider-pace.ts'
import type { Outcome } from './report.ts'
import { type ApiClient, type BenchContext, round, startWorker } from './support/index.ts'

const TIMEOUT_MS = 180_000

interface Timing extends StoryTiming {
  /** from Postgres: finished_at − created_at */
  dbMs: number
}

async function measure(client: ApiClient, pool: BenchContext['pool']): Promise<Timing> {
  const timing = await timeStory(client, 'a lighthouse that lost its light', TIMEOUT_MS)
  const { rows } = await pool.query(
    `select extract(epoch from (finished_at - created_at)) * 1000 as ms from jobs where id = $1`,
    [timing.jobId],
  )
  return { ...timing, dbMs: Number(rows[0].ms) }
}

export async function streaming({ pool, prefix, log }: BenchContext): Promise<Outcome> {
  return atProviderPace(prefix, 'Streaming', async ({ fake, api, client, providerEnv }) => {
    const env = {
      ...providerEnv,
      TEXT_CONCURRENCY: '1',
      IMAGE_CONCURRENCY: '5',
      OPENAI_TIMEOUT_MS: String(TIMEOUT_MS),
    }

    log(`STREAMING=true: ${PROVIDER_PACE.tokensPerSecond} tokens/s, ${PROVIDER_PACE.imageLatencyMs / 1000} s per image`)
    let worker = await startWorker({ ...env, STREAMING: 'true' })
    const streamed = await measure(client, pool)
    await worker.stop()
    log(
      `  first illustrated chapter ${round(streamed.firstIllustratedMs / 1000, 1)} s, whole story ${round(streamed.completedMs / 1000, 1)} s`,
    )

    const chat = fake.calls.filter((c) => c.path === '/v1/chat/completions').at(-1)
    if (!chat) throw new Error('the fake provider saw no chat request')
    const body = chat.body as ChatRequestBody
    const tokens = splitIntoTokens(replyContent(body, storyForRequest(body, loadStoryTemplates()))).length
    const generationMs = Math.round((tokens / PROVIDER_PACE.tokensPerSecond) * 1000)

    // The fake takes as long to answer a non-streamed request as to stream it (tokens at its pace),
    // as a real provider does.
    log(
      `STREAMING=false: the answer comes after ${round(generationMs / 1000, 1)} s (${tokens} tokens at ${PROVIDER_PACE.tokensPerSecond}/s)`,
    )
    worker = await startWorker({ ...env, STREAMING: 'false' })
    const whole = await measure(client, pool)
    await worker.stop()
    await api.stop()
    log(
      `  first illustrated chapter ${round(whole.firstIllustratedMs / 1000, 1)} s, whole story ${round(whole.completedMs / 1000, 1)} s`,
    )

    const firstShare = streamed.firstIllustratedMs / whole.completedMs
    return {
      setup: `The fake OpenAI-compatible server (startFakeOpenAI from @dreamify/testkit, in the bench process) streams at ${PROVIDER_PACE.tokensPerSecond} tokens/s and takes ${PROVIDER_PACE.imageLatencyMs / 1000} s per image; its story answer for this request is ${tokens} tokens (its own tokenizer), so writing takes ${round(generationMs / 1000, 1)} s. One story with STREAMING=true, then one with STREAMING=false, each on a fresh worker (GENERATION_PROVIDER=openai, OPENAI_BASE_URL=the fake, TEXT_CONCURRENCY 1, IMAGE_CONCURRENCY 5), structured output on (the default). For STREAMING=false the fake answers after the same ${round(generationMs / 1000, 1)} s, all at once, as a real provider does (it waits as long as writing takes at its pace). Times from the POST, by polling GET /api/jobs/:id every ${POLL_MS} ms (chapters_illustrated ≥ 1, then status completed).`,
      figures: [
        {
          label: 'STREAMING=true: first illustrated chapter',
          value: streamed.firstIllustratedMs / 1000,
          unit: 's',
          digits: 1,
        },
        { label: 'STREAMING=true: whole story', value: streamed.completedMs / 1000, unit: 's', digits: 1 },
        {
          label: 'STREAMING=false: first illustrated chapter',
          value: whole.firstIllustratedMs / 1000,
          unit: 's',
          digits: 1,
        },
        { label: 'STREAMING=false: whole story', value: whole.completedMs / 1000, unit: 's', digits: 1 },
        {
          label: 'first illustrated chapter (streaming) ÷ whole story (not streaming)',
          value: firstShare * 100,
          unit: '%',
          digits: 1,
          target: '≤ 40 %',
          pass: firstShare <= 0.4,
        },
        {
          label: 'whole story, streaming − not streaming (Postgres timestamps)',
          value: (streamed.dbMs - whole.dbMs) / 1000,
          unit: 's',
          digits: 2,
          target: '≤ 0 s (no slower)',
          pass: streamed.dbMs <= whole.dbMs,
        },
      ],
      notes: [
        `The story text is ${tokens} tokens as the fake server splits it (words of up to 6 characters are one token, longer ones one per 4 characters), against the ~2,700 expected; at ${PROVIDER_PACE.tokensPerSecond} tokens/s that is ${round(generationMs / 1000, 1)} s of writing.`,
        `Whole story from Postgres (finished_at − created_at): ${round(streamed.dbMs / 1000, 2)} s streaming, ${round(whole.dbMs / 1000, 2)} s not streaming; by polling: ${round(streamed.completedMs / 1000, 2)} s and ${round(whole.completedMs / 1000, 2)} s.`,
        `Lower bounds: with streaming, the first chapter is illustrated no sooner than its text (about a fifth of the writing, ${round(generationMs / 5000, 1)} s) plus one image (${PROVIDER_PACE.imageLatencyMs / 1000} s) ≈ ${round(generationMs / 5000 + PROVIDER_PACE.imageLatencyMs / 1000, 1)} s; without it, nothing is illustrated before writing + one image ≈ ${round(generationMs / 1000 + PROVIDER_PACE.imageLatencyMs / 1000, 1)} s.`,
      ],
    }
  })
}
