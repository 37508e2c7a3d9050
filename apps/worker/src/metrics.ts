import type { QueueName } from '@dreamify/core'
import { metricsOn, secondsSince } from '@dreamify/core/metrics'
import type { JobRow } from '@dreamify/db'
import { collectDefaultMetrics, Registry } from 'prom-client'
import { type GenerationProvider, ProviderError, type Usage } from './providers/index.ts'

/**
 * How a step ended: done, handed back for a retry, failed for good, the queue paused on a 429,
 * stopped by a cancellation, or handed back because the worker was shutting down.
 */
export type StepOutcome = 'completed' | 'retried' | 'failed' | 'rate_limited' | 'cancelled' | 'interrupted'

/** One worker process's metrics, on a registry of its own (served by the health server's /metrics). */
export function createWorkerMetrics({ defaultMetrics = true }: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry()
  if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'dreamify_worker_' })
  const { counter, histogram } = metricsOn(registry)

  const jobDuration = histogram(
    'dreamify_job_duration_seconds',
    'Duration of one queue step (one attempt) by queue and outcome',
    ['queue', 'outcome'],
    [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  )
  const providerDuration = histogram(
    'dreamify_provider_request_duration_seconds',
    'Duration of one provider call (a story text until its stream ends, or one image) by kind and status',
    ['kind', 'status'],
    [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120],
  )
  const providerErrors = counter('dreamify_provider_errors_total', 'Failed provider calls by kind and error code', [
    'kind',
    'code',
  ])
  const storiesTotal = counter(
    'dreamify_stories_total',
    'Stories that reached completed or failed, by outcome and error code (code="none" when completed)',
    ['outcome', 'code'],
  )
  const tokens = counter('dreamify_tokens_total', 'Tokens the provider reported as used, by kind', ['kind'])
  const images = counter('dreamify_images_total', 'Images the provider drew, by purpose', ['purpose'])

  return {
    registry,
    jobDuration,
    providerDuration,
    providerErrors,
    stories: storiesTotal,
    tokens,
    images,

    observeStep(queue: QueueName, outcome: StepOutcome, startedAt: number) {
      jobDuration.observe({ queue, outcome }, secondsSince(startedAt))
    },

    /**
     * Counts a story job that the caller's own transition has just finished: a settle or a complete
     * that says `completedNow`, or a fail that returned the row. Exactly one call finishes a story
     * (the fan-in on the job's counters), so the count is exact with no de-duplication.
     */
    countFinishedStory(job: JobRow): void {
      if (job.kind !== 'story' || (job.status !== 'completed' && job.status !== 'failed')) return
      storiesTotal.inc({
        outcome: job.status,
        code: job.status === 'failed' ? (job.error_code ?? 'INTERNAL') : 'none',
      })
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
    kind: 'text' | 'image' | 'speech',
    startedAt: number,
    signal: AbortSignal,
    outcome: { error: unknown } | 'ok' | 'stopped',
  ) {
    const seconds = secondsSince(startedAt)
    if (outcome === 'ok') return metrics.providerDuration.observe({ kind, status: 'ok' }, seconds)
    if (outcome === 'stopped' || signal.aborted)
      return metrics.providerDuration.observe({ kind, status: 'aborted' }, seconds)
    metrics.providerDuration.observe({ kind, status: 'error' }, seconds)
    metrics.providerErrors.inc({ kind, code: errorCode(outcome.error) })
    if (outcome.error instanceof ProviderError) count(outcome.error.usage)
  }

  async function* measured(
    call: (signal: AbortSignal) => AsyncGenerator<string, Usage | undefined, undefined>,
    signal: AbortSignal,
  ): AsyncGenerator<string, Usage | undefined, undefined> {
    const startedAt = performance.now()
    let outcome: { error: unknown } | 'ok' | 'stopped' = 'stopped'
    try {
      const usage = yield* call(signal)
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
  }

  return {
    get name() {
      return provider.name
    },
    get storyFormat() {
      return provider.storyFormat
    },
    storyFormatFor: (language) => provider.storyFormatFor(language),

    writeStory: (request, signal) => measured((signal) => provider.writeStory(request, signal), signal),
    writeText: (request, signal) => measured((signal) => provider.writeText(request, signal), signal),

    drawsFromReference: () => provider.drawsFromReference?.() ?? false,

    async drawImage(prompt, signal, purpose = 'chapter', reference) {
      const startedAt = performance.now()
      try {
        const image = await provider.drawImage(prompt, signal, purpose, reference)
        settle('image', startedAt, signal, 'ok')
        metrics.images.inc({ purpose })
        count(image.usage)
        return image
      } catch (error) {
        settle('image', startedAt, signal, { error })
        throw error
      }
    },

    async speak(request, signal) {
      const startedAt = performance.now()
      try {
        const speech = await provider.speak(request, signal)
        settle('speech', startedAt, signal, 'ok')
        return speech
      } catch (error) {
        settle('speech', startedAt, signal, { error })
        throw error
      }
    },
  }
}
