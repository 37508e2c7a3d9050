import { type Config, type Logger, PAYLOADS, QUEUES, type QueueName, type Queues } from '@dreamify/core'
import type { Db, JobRow } from '@dreamify/db'
import { createMediaStores, type MediaStores } from '@dreamify/media'
import { type Job, type Queue, UnrecoverableError, Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import { Value } from 'typebox/value'
import { type JobEventPublisher, silentJobEvents } from './events.ts'
import { act, decide } from './failures.ts'
import type { StepOutcome, WorkerMetrics } from './metrics.ts'
import type { GenerationProvider } from './providers/index.ts'
import type { SafetyScreen } from './safety/screen.ts'
import type { StepDefinition } from './steps/definition.ts'
import { STEPS } from './steps/index.ts'

export interface WorkerDeps {
  config: Config
  db: Db
  provider: GenerationProvider
  /** the moderator, with its audit trail */
  safety: SafetyScreen
  queues: Queues
  /** BullMQ's connection for workers (blocking commands; must allow an offline queue) */
  connection: Redis
  /** a connection of its own for the cancellation channel (a subscriber can do nothing else) */
  subscriber: Redis
  logger: Logger
  steps?: ReadonlyArray<StepDefinition<QueueName>>
  /** publishes each job's progress for the API's event streams (none when unset) */
  events?: JobEventPublisher
  /** step durations and finished stories (none when unset) */
  metrics?: WorkerMetrics
  /** where drawn pictures are stored (default: the store MEDIA_STORE names, unmeasured) */
  media?: Pick<MediaStores, 'store' | 'byName'>
}

// Tuned so a worker killed with SIGKILL has its jobs picked up again within about 15 s
// (BullMQ's defaults take 30–60 s): locks expire after 10 s, checked every 5 s.
export const STALLED = { lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 3 }

/** A limiter ceiling that never binds (see the worker's `limiter`). */
const UNLIMITED_PER_MINUTE = 1_000_000_000

export const cancellationChannel = (prefix: string) => `${prefix}:cancellations`

/** Fails at start-up when a queue has no handler or two. */
export function checkRegistry(steps: ReadonlyArray<StepDefinition<QueueName>>): void {
  for (const queue of Object.values(QUEUES)) {
    const count = steps.filter((step) => step.queue === queue).length
    if (count !== 1) throw new Error(`queue ${queue} has ${count} handlers; it needs exactly one`)
  }
}

export function buildWorker(deps: WorkerDeps) {
  const { config, db, provider, safety, queues, connection, subscriber, logger } = deps
  const steps = deps.steps ?? STEPS
  const metrics = deps.metrics
  const events: JobEventPublisher = deps.events ?? silentJobEvents
  const media = deps.media ?? createMediaStores(db, config)
  const storyFinished = (job: JobRow) => metrics?.countFinishedStory(job)
  checkRegistry(steps)
  const prefix = config.redis.queuePrefix
  const shutdown = new AbortController()
  // In-flight steps by the Postgres job they belong to, so a cancellation can reach them.
  const inFlight = new Map<string, Set<AbortController>>()

  // WORKER_QUEUES: a process may run some queues only (a worker that only makes image variants).
  const running = steps.filter((step) => config.worker.queues.includes(step.queue))
  const workers = running.map((definition) => {
    const queue: Queue = queues[definition.queue] as Queue
    const rate = definition.ratePerMinute(config)
    return new Worker(
      definition.queue,
      async (job: Job, _token?: string, bullSignal?: AbortSignal) => {
        if (!Value.Check(PAYLOADS[definition.queue], job.data)) {
          throw new UnrecoverableError(
            `invalid payload for ${definition.queue}: ${[...Value.Errors(PAYLOADS[definition.queue], job.data)][0]?.message}`,
          )
        }
        const payload = job.data
        const owner = definition.ownerJobId?.(payload)
        const log = logger.child({
          queue: definition.queue,
          ...(owner ? { jobId: owner } : {}),
          queueJobId: job.id,
          ...('storyId' in payload ? { storyId: payload.storyId } : {}),
        })
        const abort = new AbortController()
        const signals = [abort.signal, shutdown.signal, ...(bullSignal ? [bullSignal] : [])]
        // what a failure handler gets too; a step also gets its signal and attempt
        const shared = { db, media, provider, safety, queues, config, logger: log, events, storyFinished }
        const context = { ...shared, signal: AbortSignal.any(signals), attempt: job.attemptsMade + 1 }
        const set = (owner && inFlight.get(owner)) || new Set<AbortController>()
        set.add(abort)
        if (owner) inFlight.set(owner, set)
        const started = performance.now()
        let outcome: StepOutcome = 'completed'
        try {
          log.debug({ attempt: context.attempt }, 'step started')
          await definition.run(payload, context)
          log.info({ ms: Math.round(performance.now() - started) }, 'step done')
        } catch (error) {
          // A shutdown hands the job back (BullMQ retries it elsewhere); a cancellation just stops.
          if (abort.signal.aborted) {
            outcome = 'cancelled'
            return
          }
          if (shutdown.signal.aborted) {
            outcome = 'interrupted'
            throw error
          }
          const decision = decide(error, job)
          outcome = decision.action === 'retry' ? 'retried' : decision.action === 'pause' ? 'rate_limited' : 'failed'
          log.warn({ err: error, decision: decision.action, attempt: context.attempt }, 'step failed')
          await act(decision, error, queue, async (failure) => {
            // failed, or (a chapter's drawing given up on) still running or now completed
            const changed = await definition.fail(payload, failure, shared)
            if (changed?.status === 'failed') storyFinished(changed)
            await events.state(changed)
          })
        } finally {
          metrics?.observeStep(definition.queue, outcome, started)
          set.delete(abort)
          if (owner && set.size === 0) inFlight.delete(owner)
        }
      },
      {
        connection,
        prefix,
        concurrency: definition.concurrency(config),
        // BullMQ honours a 429's queue.rateLimit only on workers that have a limiter, so every worker
        // has one: the configured rate, or one too high to ever bind.
        limiter: { max: rate > 0 ? rate : UNLIMITED_PER_MINUTE, duration: 60_000 },
        ...STALLED,
        maxStartedAttempts: 25,
        autorun: false,
      },
    )
  })

  for (const worker of workers) {
    worker.on('error', (error) => logger.error({ err: error, queue: worker.name }, 'queue worker error'))
  }

  async function onCancellation(channel: string, jobId: string) {
    if (channel !== cancellationChannel(prefix)) return
    for (const abort of inFlight.get(jobId) ?? []) abort.abort(new Error('cancelled'))
  }

  return {
    workers,
    async start() {
      await subscriber.subscribe(cancellationChannel(prefix))
      subscriber.on('message', onCancellation)
      for (const worker of workers) void worker.run()
      await Promise.all(workers.map((worker) => worker.waitUntilReady()))
    },
    /** Finishes active jobs within the timeout, then hands the rest back to the queue. */
    async close(timeoutMs = config.http.shutdownTimeoutMs) {
      const graceful = Promise.all(workers.map((worker) => worker.close()))
      const timedOut = new Promise<'timeout'>((resolve) => setTimeout(resolve, timeoutMs, 'timeout').unref())
      if ((await Promise.race([graceful, timedOut])) === 'timeout') {
        logger.warn('active jobs did not finish in time; handing them back')
        shutdown.abort(new Error('shutting down'))
        await Promise.all(workers.map((worker) => worker.close(true)))
      }
      subscriber.off('message', onCancellation)
    },
  }
}
