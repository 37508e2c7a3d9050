// strategy (issue 18): GENERATION_STRATEGY=stream vs outline, side by side in one run, against the
// fake OpenAI-compatible server at a real provider's pace: time to the first illustrated chapter
// and to the whole story, and what each story costs in provider calls and tokens.
import { type FakeOpenAI, outlineTask, promptText } from '@dreamify/testkit'
import { atProviderPace, POLL_MS, PROVIDER_PACE, type StoryTiming, timeStory } from './provider-pace.ts'
import type { Figure, Outcome } from './report.ts'
import { type BenchContext, round, startWorker } from './support/index.ts'

const STORIES = 5
const CHAPTERS = 5
const TIMEOUT_MS = 240_000
const IMAGE_OUTPUT_TOKENS = 1056

type Strategy = 'stream' | 'outline'

type Timing = Pick<StoryTiming, 'firstIllustratedMs' | 'completedMs'>

interface Cost {
  textCalls: number
  imageCalls: number
  moderationCalls: number
  textInput: number
  textOutput: number
  imageInput: number
  imageOutput: number
}

/** What the fake server saw for these stories (found by their topics), per story. */
function costOf(calls: FakeOpenAI['calls'], stories: number): Cost {
  const cost: Cost = {
    textCalls: 0,
    imageCalls: 0,
    moderationCalls: 0,
    textInput: 0,
    textOutput: 0,
    imageInput: 0,
    imageOutput: 0,
  }
  for (const call of calls) {
    if (call.path === '/v1/chat/completions') {
      cost.textCalls++
      cost.textInput += call.usage?.prompt_tokens ?? 0
      cost.textOutput += call.usage?.completion_tokens ?? 0
    } else if (call.path === '/v1/images/generations') {
      const prompt = String((call.body as { prompt?: unknown }).prompt ?? '')
      if (!prompt.includes('picture-book')) continue // the child's portrait, drawn once at set-up
      cost.imageCalls++
      cost.imageInput += Math.max(1, Math.ceil(prompt.length / 4))
      cost.imageOutput += IMAGE_OUTPUT_TOKENS
    } else if (call.path === '/v1/images/edits') {
      // a chapter drawn from the child's avatar
      const prompt = String((call.body as { prompt?: unknown } | null)?.prompt ?? '')
      cost.imageCalls++
      cost.imageInput += Math.max(1, Math.ceil(prompt.length / 4))
      cost.imageOutput += IMAGE_OUTPUT_TOKENS
    } else if (call.path === '/v1/moderations') cost.moderationCalls++
  }
  return Object.fromEntries(Object.entries(cost).map(([k, v]) => [k, v / stories])) as unknown as Cost
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export async function strategy({ prefix, log }: BenchContext): Promise<Outcome> {
  return atProviderPace(prefix, 'Strategy', async ({ fake, api, client, providerEnv }) => {
    const env = {
      ...providerEnv,
      STORY_CHAPTERS: String(CHAPTERS),
      // Enough that no story waits on another: the provider, not the worker, sets the pace.
      TEXT_CONCURRENCY: String(STORIES * (CHAPTERS + 1)),
      IMAGE_CONCURRENCY: String(STORIES * CHAPTERS),
      OPENAI_TIMEOUT_MS: String(TIMEOUT_MS),
    }
    const timings: Record<Strategy, Timing[]> = { stream: [], outline: [] }
    const costs = {} as Record<Strategy, Cost>
    let plannedTokens = 0
    for (const name of ['stream', 'outline'] as const) {
      log(
        `GENERATION_STRATEGY=${name}: ${STORIES} stories at once, ${PROVIDER_PACE.tokensPerSecond} tokens/s, ${PROVIDER_PACE.imageLatencyMs / 1000} s per image`,
      )
      fake.reset()
      const worker = await startWorker({ ...env, GENERATION_STRATEGY: name })
      timings[name] = await Promise.all(
        Array.from({ length: STORIES }, (_, i) =>
          timeStory(client, `a lighthouse that lost its light, part ${name} ${i + 1}`, TIMEOUT_MS),
        ),
      )
      await worker.stop()
      costs[name] = costOf(fake.calls, STORIES)
      if (name === 'outline') {
        const plans = fake.calls.filter(
          (c) => c.path === '/v1/chat/completions' && outlineTask(c.body as never)?.kind === 'outline',
        )
        plannedTokens = plans.reduce((sum, c) => sum + (c.usage?.completion_tokens ?? 0), 0) / plans.length
        const chapterPrompt = fake.calls.find((c) => outlineTask(c.body as never)?.kind === 'chapter')
        if (chapterPrompt) log(`  a chapter's prompt is ${promptText(chapterPrompt.body as never).length} characters`)
      }
      const t = timings[name]
      log(
        `  first illustrated chapter ${round(median(t.map((x) => x.firstIllustratedMs)) / 1000, 1)} s, whole story ${round(median(t.map((x) => x.completedMs)) / 1000, 1)} s (medians)`,
      )
    }
    await api.stop()

    const m = (name: Strategy, key: keyof Timing) => median(timings[name].map((t) => t[key]))
    const wholeShare = m('outline', 'completedMs') / m('stream', 'completedMs')
    const firstShare = m('outline', 'firstIllustratedMs') / m('stream', 'firstIllustratedMs')
    const perStory = (label: string, key: keyof Cost, digits = 0): Figure[] =>
      (['stream', 'outline'] as const).map((name) => ({
        label: `${name}: ${label} per story`,
        value: costs[name][key],
        unit: '',
        digits,
      }))
    const s = costs.stream
    const o = costs.outline
    return {
      setup: `The fake OpenAI-compatible server (in the bench process) writes at ${PROVIDER_PACE.tokensPerSecond} tokens/s, streamed or not (a non-streamed answer comes when it would have finished streaming), and takes ${PROVIDER_PACE.imageLatencyMs / 1000} s per image. One API; then a worker with GENERATION_STRATEGY=stream and ${STORIES} stories at once, then a fresh worker with GENERATION_STRATEGY=outline and ${STORIES} more (${CHAPTERS} chapters each, GENERATION_PROVIDER=openai, structured output on, TEXT_CONCURRENCY ${env.TEXT_CONCURRENCY} and IMAGE_CONCURRENCY ${env.IMAGE_CONCURRENCY}, so only the provider sets the pace; moderation by the fake's /v1/moderations). Times from each POST, by polling GET /api/jobs/:id every ${POLL_MS} ms; medians over the ${STORIES} stories. Calls and tokens are what the fake server counted (its own tokenizer), divided by the stories; image input tokens are the prompt's text only (a chapter drawn from the avatar also sends the avatar picture, the same for both strategies).`,
      figures: [
        {
          label: 'stream: first illustrated chapter (median)',
          value: m('stream', 'firstIllustratedMs') / 1000,
          unit: 's',
          digits: 1,
        },
        { label: 'stream: whole story (median)', value: m('stream', 'completedMs') / 1000, unit: 's', digits: 1 },
        {
          label: 'outline: first illustrated chapter (median)',
          value: m('outline', 'firstIllustratedMs') / 1000,
          unit: 's',
          digits: 1,
        },
        { label: 'outline: whole story (median)', value: m('outline', 'completedMs') / 1000, unit: 's', digits: 1 },
        {
          label: 'whole story, outline ÷ stream',
          value: wholeShare,
          unit: '',
          digits: 2,
          target: '≤ 0.40',
          pass: wholeShare <= 0.4,
        },
        {
          label: 'first illustrated chapter, outline ÷ stream',
          value: firstShare,
          unit: '',
          digits: 2,
          target: '≤ 0.90',
          pass: firstShare <= 0.9,
        },
        ...perStory('text calls', 'textCalls'),
        ...perStory('image calls', 'imageCalls'),
        ...perStory('moderation calls', 'moderationCalls'),
        ...perStory('text input tokens', 'textInput'),
        ...perStory('text output tokens', 'textOutput'),
        ...perStory('image input tokens', 'imageInput'),
        ...perStory('image output tokens', 'imageOutput'),
        {
          label: 'provider input tokens per story (text + image), outline ÷ stream',
          value: (o.textInput + o.imageInput) / (s.textInput + s.imageInput),
          unit: '',
          digits: 2,
        },
        {
          label: 'provider output tokens per story (text + image), outline ÷ stream',
          value: (o.textOutput + o.imageOutput) / (s.textOutput + s.imageOutput),
          unit: '',
          digits: 2,
        },
      ],
      notes: [
        `The cost side: an outlined story makes ${round(o.textCalls, 1)} text calls instead of ${round(s.textCalls, 1)}, and every chapter's prompt repeats the outline (title, cast, every chapter's synopsis), so its text input is ${round(o.textInput / s.textInput, 1)}× the streamed story's (${round(o.textInput)} against ${round(s.textInput)} tokens). Its text output is ${round(o.textOutput / s.textOutput, 2)}× (the ${round(plannedTokens)}-token outline is written on top of the chapters). Pictures cost the same. At typical prices, where output tokens cost several times input ones and an image far more than either, the whole story costs a little more, not several times more; but the text input is what grows, and it grows with the chapter count.`,
        `Lower bounds: streamed, the whole story is no sooner than writing it all plus the last chapter's image; outlined, it is planning (${round(plannedTokens)} tokens, ${round(plannedTokens / PROVIDER_PACE.tokensPerSecond, 1)} s) plus the longer of one chapter and one image (${PROVIDER_PACE.imageLatencyMs / 1000} s).`,
        `Each strategy's ${STORIES} stories ran at once on one worker; the fake server serves every call at the same pace however many there are, as a provider within its rate limit does. Medians of: stream first ${timings.stream.map((t) => round(t.firstIllustratedMs / 1000, 1)).join(', ')} s, whole ${timings.stream.map((t) => round(t.completedMs / 1000, 1)).join(', ')} s; outline first ${timings.outline.map((t) => round(t.firstIllustratedMs / 1000, 1)).join(', ')} s, whole ${timings.outline.map((t) => round(t.completedMs / 1000, 1)).join(', ')} s.`,
      ],
    }
  })
}
