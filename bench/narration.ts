// 10. narration: the narrated pipeline's overhead over the provider's own time, at the latency target.
import { startFakeOpenAI } from '@dreamify/testkit'
import { arriveEvenly } from './even-arrivals.ts'
import type { Figure, Outcome } from './report.ts'
import {
  type ApiClient,
  aStory,
  type BenchContext,
  onFakeProvider,
  parents,
  percentile,
  round,
  startApi,
  startWorker,
  waitForAvatars,
} from './support/index.ts'

/** The fake provider's fixed latencies: text, each image, each chapter's speech. */
const T = 2000
const I = 1000
const S = 1000
const IN_FLIGHT = 10
const STORIES = 30
/** A story needs at least T + max(I, S): the pictures and the narrations run side by side. */
const PROVIDER_MS = T + Math.max(I, S)
const PACE_MS = PROVIDER_MS / IN_FLIGHT

type Phase = { name: string; durations: number[] }

/** One story for the parent's child, read aloud or not; its job id. */
async function postStory(client: ApiClient, narrated: boolean): Promise<string> {
  const response = await client.request('POST', '/api/stories', {
    ...aStory(client.childId),
    ...(narrated ? { narration: { voice: 'sage' } } : {}),
  })
  if (response.status !== 202) throw new Error(`POST /api/stories: ${response.status} ${response.text}`)
  return response.json.job_id
}

export async function narration({ pool, prefix, log }: BenchContext): Promise<Outcome> {
  const fake = await startFakeOpenAI({ textLatencyMs: T, imageLatencyMs: I, speechLatencyMs: S, tokensPerSecond: 0 })
  try {
    const env = {
      ...onFakeProvider(fake, prefix),
      // the offline moderator, as in the latency benchmark: the provider's time is only T, I and S
      MODERATION: 'local',
      STREAMING: 'false',
      TEXT_CONCURRENCY: String(IN_FLIGHT),
      IMAGE_CONCURRENCY: String(5 * IN_FLIGHT),
      SPEECH_CONCURRENCY: String(5 * IN_FLIGHT),
      STORIES_IN_FLIGHT_PER_PARENT: '0',
      STORIES_PER_DAY_PER_PARENT: '0',
    }
    const api = await startApi(env)
    const worker = await startWorker(env)
    const clients = await parents(api.url, IN_FLIGHT)
    await waitForAvatars(pool)
    const phases: Phase[] = []
    for (const [name, narrated] of [
      ['without narration', false],
      ['narrated', true],
    ] as const) {
      log(`  ${STORIES} stories ${name}, one every ${PACE_MS} ms`)
      const { durations } = await arriveEvenly(
        pool,
        clients,
        { count: STORIES, paceMs: PACE_MS, timeoutMs: 90_000 },
        (client) => postStory(client, narrated),
      ).catch((error: unknown) => {
        log(`API output:\n${api.tail()}`)
        throw error
      })
      phases.push({ name, durations })
    }
    await worker.stop()
    await api.stop()
    const [plain, spoken] = phases as [Phase, Phase]
    const p99 = percentile(spoken.durations, 99)
    const figures: Figure[] = [
      { label: 'p50 POST → completed, narrated', value: percentile(spoken.durations, 50), unit: 'ms', digits: 0 },
      {
        label: `p99 POST → completed, narrated (${STORIES} stories)`,
        value: p99,
        unit: 'ms',
        digits: 0,
        target: `≤ T + max(I, S) + 100 ms = ${PROVIDER_MS + 100} ms`,
        pass: p99 <= PROVIDER_MS + 100,
      },
      { label: 'p99 overhead over the provider time, narrated', value: p99 - PROVIDER_MS, unit: 'ms', digits: 0 },
      {
        label: 'p99 overhead over the provider time, without narration',
        value: percentile(plain.durations, 99) - PROVIDER_MS,
        unit: 'ms',
        digits: 0,
      },
    ]
    return {
      setup: `The fake OpenAI-compatible server (in the bench process) answers text after T = ${T} ms, each image after I = ${I} ms and each chapter's speech after S = ${S} ms; one worker (GENERATION_PROVIDER=openai, MODERATION=local, STREAMING=false, TEXT_CONCURRENCY ${IN_FLIGHT}, IMAGE_CONCURRENCY and SPEECH_CONCURRENCY ${5 * IN_FLIGHT}). ${STORIES} stories without narration, then ${STORIES} narrated ones, each arriving one every ${PACE_MS} ms (about ${IN_FLIGHT} in flight, as the latency benchmark). A story's least time is T + max(I, S) = ${PROVIDER_MS} ms: its five pictures and five narrations run side by side. Latency from Postgres (finished_at − created_at).`,
      figures,
      notes: [
        ...phases.map(
          (p) =>
            `${p.name}: ${p.durations.length} of ${STORIES} completed; p50 ${round(percentile(p.durations, 50), 0)} ms, p99 ${round(percentile(p.durations, 99), 0)} ms, max ${round(Math.max(...p.durations), 0)} ms.`,
        ),
        `Narration's own cost is the narrated overhead less the one without narration, measured in the same run on the same load: per chapter it adds a queue hand-off, one media put (the MP3) and one settle statement, beside the pictures, not after them. On a busy machine (see the load average above) both overheads grow together.`,
      ],
    }
  } finally {
    await fake.close()
  }
}
