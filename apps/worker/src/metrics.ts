import { type QueueName, withTimeout } from '@dreamify/core'
import type { JobRow } from '@dreamify/db'
import type { Redis } from 'ioredis'
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client'
import { type GenerationProvider, ProviderError, type Usage } from './providers/index.ts'

/**
 * How a step ended: done, handed back for a retry, failed for good, the queue paused on a 429,
 * stopped by a cancellation, or handed back because the worker was shutting down.
 */
export type StepOutcome = 'completed' | 'retried' | 'failed' | 'rate_limited' | 'cancelled' | 'interrupted'

/** Where a finished story is recorded once across every worker, so a fan-in seen by two steps counts once. */
const STORY_COUNTED_TTL_SECONDS = 7 * 24 * 3600
const CLAIM_TIMEOUT_MS = 1000

export interface StoryOutcomeDeps {
  /** a fail-fast connection: a claim that cannot be made in time is skipped, never waited for */
  redis: Redis
  prefix: string
}

/**
 * One worker process's metrics, on a registry of its own (served by the health server's /metrics).
 * Pass `stories` to have finished stories counted (dreamify_stories_total).
 */
export function createWorkerMetrics({
  stories,
  defaultMetrics = true,
}: {
  stories?: StoryOutcomeDeps
  defaultMetrics?: boolean
} = {}) {
  const registry = new Registry()
  if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'dreamify_worker_' })
  const registers = [registry]
  const durations = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
    new Histogram<L>({ name, help, labelNames, buckets, registers })

  const jobDuration = durations(
    'dreamify_job_duration_seconds',
    'Duration of one queue step (one attempt) by queue and outcome',
    ['queue', 'outcome'],
    [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  )
  const providerDuration = durations(
    'dreamify_provider_request_duration_seconds',
    'Duration of one provider call (a story text until its stream ends, or one image) by kind and status',
    ['kind', 'status'],
    [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120],
  )
  const providerErrors = new Counter({
    name: 'dreamify_provider_errors_total',
    help: 'Failed provider calls by kind and error code',
    labelNames: ['kind', 'code'] as const,
    registers,
  })
  const storiesTotal = new Counter({
    name: 'dreamify_stories_total',
    help: 'Stories that reached completed or failed, by outcome and error code (code="none" when completed)',
    labelNames: ['outcome', 'code'] as const,
    registers,
  })
  const tokens = new Counter({
    name: 'dreamify_tokens_total',
    help: 'Tokens the provider reported as used, by kind',
    labelNames: ['kind'] as const,
    registers,
  })
  const images = new Counter({
    name: 'dreamify_images_total',
    help: 'Images the provider drew, by purpose',
    labelNames: ['purpose'] as const,
    registers,
  })

  const locallyCounted = new Set<string>()

  /** Claims the right to count a story, once across every worker (once in this process without Redis). */
  async function claim(jobId: string): Promise<boolean> {
    if (locallyCounted.has(jobId)) return false
    if (!stories) return true
    const claimed = stories.redis.set(
      `${stories.prefix}:metrics:story-counted:${jobId}`,
      '1',
      'EX',
      STORY_COUNTED_TTL_SECONDS,
      'NX',
    )
    return (await withTimeout(claimed, CLAIM_TIMEOUT_MS)) === 'OK'
  }

  return {
    registry,
    jobDuration,
    providerDuration,
    providerErrors,
    stories: storiesTotal,
    tokens,
    images,

    observeStep(queue: QueueName, outcome: StepOutcome, startedAt: number) {
      jobDuration.observe({ queue, outcome }, (performance.now() - startedAt) / 1000)
    },

    /**
     * Called with every job state a step publishes: a story job that is now completed or failed is
     * counted, once. Never throws (a metric never fails a step).
     */
    async recordStoryOutcome(job: JobRow): Promise<void> {
      if (!stories || job.kind !== 'story' || (job.status !== 'completed' && job.status !== 'failed')) return
      const jobId = job.id
      try {
        if (!(await claim(jobId))) return
        locallyCounted.add(jobId)
        if (locallyCounted.size > 10_000) locallyCounted.delete(locallyCounted.values().next().value!)
        storiesTotal.inc({
          outcome: job.status,
          code: job.status === 'failed' ? (job.error_code ?? 'INTERNAL') : 'none',
        })
      } catch {
        // Redis away: this story goes uncounted rather than holding up the step.
      }
    },

    async scrape() {
      return { contentType: registry.contentType as string, body: await registry.metrics() }
    },
  }
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>

function errorCode(error: unknown): string {
  return error instanceof ProviderError ? error.code : 'INTERNAL'
}

/**
 * A provider that measures every call: its latency (a story until its stream ends), its errors by
 * code, the images drawn and the tokens each call returns (or its failure carries). Calls ended by
 * a cancellation or a shutdown (or a caller that stops reading) count as `aborted`, not as errors.
 */
export function instrumentProvider(provider: GenerationProvider, metrics: WorkerMetrics): GenerationProvider {
  const count = (usage: Usage | undefined) => {
    if (usage) metrics.tokens.inc({ kind: usage.kind }, usage.tokens)
  }

  function settle(
    kind: 'text' | 'image',
    startedAt: number,
    signal: AbortSignal,
    outcome: { error: unknown } | 'ok' | 'stopped',
  ) {
    const seconds = (performance.now() - startedAt) / 1000
    if (outcome === 'ok') return metrics.providerDuration.observe({ kind, status: 'ok' }, seconds)
    if (outcome === 'stopped' || signal.aborted)
      return metrics.providerDuration.observe({ kind, status: 'aborted' }, seconds)
    metrics.providerDuration.observe({ kind, status: 'error' }, seconds)
    metrics.providerErrors.inc({ kind, code: errorCode(outcome.error) })
    if (outcome.error instanceof ProviderError) count(outcome.error.usage)
  }

  return {
    get name() {
      return provider.name
    },
    get storyFormat() {
      return provider.storyFormat
    },

    async *writeStory(request, signal) {
      const startedAt = performance.now()
      let outcome: { error: unknown } | 'ok' | 'stopped' = 'stopped'
      try {
        const usage = yield* provider.writeStory(request, signal)
        outcome = 'ok'
        count(usage)
        return usage
      } catch (error) {
        outcome = { error }
        throw error
      } finally {
        // Measured until the stream ends, or the caller stops reading (a cancelled story).
        settle('text', startedAt, signal, outcome)
      }
    },

    async drawImage(prompt, signal, purpose = 'chapter') {
      const startedAt = performance.now()
      try {
        const image = await provider.drawImage(prompt, signal, purpose)
        settle('image', startedAt, signal, 'ok')
        metrics.images.inc({ purpose })
        count(image.usage)
        return image
      } catch (error) {
        settle('image', startedAt, signal, { error })
        throw error
      }
    },
  }
}
