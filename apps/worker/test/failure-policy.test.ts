import { randomBytes } from 'node:crypto'
import { closeQueues, createQueues, createRedis, DEFAULT_JOB_OPTIONS, QUEUES } from '@dreamify/core'
import { MediaStoreUnavailableError } from '@dreamify/media'
import { StoryFormatError } from '@dreamify/prompts'
import { RateLimitError, UnrecoverableError } from 'bullmq'
import { afterAll, describe, expect, it } from 'vitest'
import { TEST_REDIS_URL } from '../../../test/support/services.ts'
import { act, type Decision, decide, MEDIA_STORE_PAUSE_MS } from '../src/failures.ts'
import { ProviderError } from '../src/providers/index.ts'
import type { StepFailure } from '../src/steps/definition.ts'

const ATTEMPTS = DEFAULT_JOB_OPTIONS.attempts!
/** A job on its `attempt`-th try (1-based) out of `attempts`. */
const job = (attempt: number, attempts: number | null = ATTEMPTS) => ({
  attemptsMade: attempt - 1,
  opts: attempts === null ? {} : { attempts },
})

const transient = () => new ProviderError('transient', 'PROVIDER_UNAVAILABLE', 'provider answered 500', { status: 500 })

describe('decide', () => {
  it('the queue default allows several attempts, so retries are possible at all', () => {
    expect(ATTEMPTS).toBeGreaterThan(1)
  })

  it.each([
    ['PROVIDER_REFUSED', 'refused under its content policy'],
    ['PROVIDER_AUTH', 'provider refused our credentials (401)'],
    ['PROVIDER_REJECTED', 'provider rejected the request (400)'],
    ['STORY_UNPARSEABLE', 'not a valid story'],
    ['IMAGE_UNAVAILABLE', 'image download answered 404'],
  ] as const)('a permanent %s fails at once with its code and message, on any attempt', (code, message) => {
    const error = new ProviderError('permanent', code, message)
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      expect(decide(error, job(attempt))).toEqual({ action: 'fail', failure: { code, message } })
    }
  })

  it('rate_limited pauses the queue for retryAfterMs, even on the last attempt', () => {
    const error = new ProviderError('rate_limited', 'PROVIDER_UNAVAILABLE', 'provider rate limit', {
      status: 429,
      retryAfterMs: 7000,
    })
    expect(decide(error, job(1))).toEqual({ action: 'pause', ms: 7000 })
    expect(decide(error, job(ATTEMPTS))).toEqual({ action: 'pause', ms: 7000 })
  })

  it('the media store being down pauses the queue, even on the last attempt: nothing is lost while it is away', () => {
    const error = new MediaStoreUnavailableError('s3', 'put', new Error('connect ECONNREFUSED'))
    expect(decide(error, job(1))).toEqual({ action: 'pause', ms: MEDIA_STORE_PAUSE_MS })
    expect(decide(error, job(ATTEMPTS))).toEqual({ action: 'pause', ms: MEDIA_STORE_PAUSE_MS })
  })

  it('rate_limited without a Retry-After pauses for 10 s', () => {
    const error = new ProviderError('rate_limited', 'PROVIDER_UNAVAILABLE', 'provider rate limit', { status: 429 })
    expect(decide(error, job(1))).toEqual({ action: 'pause', ms: 10_000 })
  })

  it('transient retries on every attempt but the last, and fails the last one with its code', () => {
    for (let attempt = 1; attempt < ATTEMPTS; attempt++) {
      expect(decide(transient(), job(attempt)), `attempt ${attempt}`).toEqual({ action: 'retry' })
    }
    expect(decide(transient(), job(ATTEMPTS))).toEqual({
      action: 'fail',
      failure: { code: 'PROVIDER_UNAVAILABLE', message: 'provider answered 500' },
    })
    const image = new ProviderError('transient', 'IMAGE_UNAVAILABLE', 'image download answered 503')
    expect(decide(image, job(3, 3))).toEqual({
      action: 'fail',
      failure: { code: 'IMAGE_UNAVAILABLE', message: 'image download answered 503' },
    })
  })

  it('a job without attempts has only the one, which is the last', () => {
    expect(decide(transient(), job(1, null))).toMatchObject({
      action: 'fail',
      failure: { code: 'PROVIDER_UNAVAILABLE' },
    })
    expect(decide(new Error('boom'), job(1, null))).toMatchObject({ action: 'fail', failure: { code: 'INTERNAL' } })
  })

  it.each([
    ['an Error', new Error('connection to the database lost')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a StoryFormatError that escaped', new StoryFormatError('invalid_json', 'not JSON')],
    ['a thrown string', 'something odd'],
    ['undefined', undefined],
  ])(
    'an unknown error (%s) retries, and fails as INTERNAL on the last attempt without leaking its message',
    (_name, error) => {
      for (let attempt = 1; attempt < ATTEMPTS; attempt++)
        expect(decide(error, job(attempt))).toEqual({ action: 'retry' })
      const last = decide(error, job(ATTEMPTS))
      expect(last).toEqual({
        action: 'fail',
        failure: { code: 'INTERNAL', message: 'an unexpected error in the worker' },
      })
    },
  )
})

// act() against a real queue on the real Redis, the way the worker calls it. (Not createTestQueues:
// its deleteKeys cleanup fails, see the report; this file cleans its prefix up on the open connection.)
describe('act', () => {
  const prefix = `dreamify-test-${randomBytes(5).toString('hex')}`
  const redis = createRedis(TEST_REDIS_URL, 'producer', { enableOfflineQueue: true })
  const queues = createQueues(redis, prefix)
  const queue = queues[QUEUES.storyText]
  afterAll(async () => {
    await closeQueues(queues)
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length) await redis.unlink(...keys)
    redis.disconnect()
  })

  async function run(decision: Decision, error: unknown) {
    const recorded: StepFailure[] = []
    const thrown = await act(decision, error, queue, async (failure) => {
      recorded.push(failure)
    }).then(
      () => {
        throw new Error('act() returned instead of throwing')
      },
      (e: unknown) => e,
    )
    return { thrown, recorded }
  }

  it('retry rethrows the original error for BullMQ to back off, recording nothing', async () => {
    const error = transient()
    const { thrown, recorded } = await run({ action: 'retry' }, error)
    expect(thrown).toBe(error)
    expect(recorded).toEqual([])
  })

  it('fail records the failure, then throws UnrecoverableError so BullMQ stops retrying', async () => {
    const failure = { code: 'PROVIDER_REFUSED', message: 'refused' } as const
    const { thrown, recorded } = await run({ action: 'fail', failure }, new Error('x'))
    expect(recorded).toEqual([failure])
    expect(thrown).toBeInstanceOf(UnrecoverableError)
    expect((thrown as Error).message).toBe('refused')
  })

  it('pause rate-limits the whole queue in Redis for the given time and throws RateLimitError', async () => {
    expect(await queue.getRateLimitTtl()).toBeLessThanOrEqual(0)
    const { thrown, recorded } = await run({ action: 'pause', ms: 5000 }, new Error('429'))
    expect(thrown).toBeInstanceOf(RateLimitError)
    expect(recorded).toEqual([])
    const ttl = await queue.getRateLimitTtl()
    expect(ttl).toBeGreaterThan(4000)
    expect(ttl).toBeLessThanOrEqual(5000)
    await queue.removeRateLimitKey()
  })
})
