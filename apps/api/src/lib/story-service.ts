import { randomUUID } from 'node:crypto'
import {
  AppError,
  appendJobEvent,
  type Config,
  type CreateStoryBody,
  DEFAULT_LANGUAGE,
  found,
  type JobItem,
  jobItem,
  notFound,
  QUEUES,
  type Queues,
  queueOf,
  withTimeout,
} from '@dreamify/core'
import {
  chapterRepository,
  type Db,
  jobLifecycle,
  jobRepository,
  jobSnapshot,
  lockParentRequests,
  RETRYABLE_JOB_STATUSES,
  type RequestDecision,
  storyRepository,
  type Tx,
} from '@dreamify/db'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import { createLanguageCheck } from './languages.ts'

const ENQUEUE_TIMEOUT_MS = 1000
const DAY_MS = 24 * 3600 * 1000
const REDO_QUEUES = { image: QUEUES.chapterImage, audio: QUEUES.chapterAudio } as const

export interface StoryServiceDeps {
  db: Db
  queues: Queues
  /** publishes cancellations to every worker */
  redis: Redis
  config: Config
  logger: FastifyBaseLogger
  /** called when this process changes a job, so cached polls of it are dropped */
  forgetJob?: (jobId: string) => void
}

/**
 * What the API asks of the pipeline. A request is accepted once its rows commit in Postgres; the
 * queue entry is written after, and when Redis cannot take it, the worker's reconciler will.
 */
export function createStoryService({ db, queues, redis, config, logger, forgetJob = () => {} }: StoryServiceDeps) {
  async function enqueue(item: JobItem) {
    try {
      await withTimeout(
        queueOf(queues, item).add(item.name, item.data, item.opts),
        ENQUEUE_TIMEOUT_MS,
        'enqueue timed out',
      )
    } catch (error) {
      logger.warn(
        { err: error, queueJobId: item.opts.jobId },
        'enqueue failed; the reconciler will drive the job once Redis is back',
      )
    }
  }

  const languages = createLanguageCheck(config.generation.provider)
  const languageDefaults = { languages: languages.languages, fallbackLanguage: DEFAULT_LANGUAGE }

  const limitsApply = config.limits.storiesInFlightPerParent > 0 || config.limits.storiesPerDayPerParent > 0

  // One parent's requests are checked one at a time, so two at once cannot both slip under a limit.
  async function enforceStoryLimits(tx: Tx, parentId: string) {
    const { storiesInFlightPerParent, storiesPerDayPerParent } = config.limits
    if (!limitsApply) return
    await lockParentRequests(tx, parentId)
    if (
      storiesInFlightPerParent > 0 &&
      (await jobRepository.countStoriesInFlight(tx, parentId)) >= storiesInFlightPerParent
    ) {
      throw new AppError(
        'RATE_LIMITED',
        `at most ${storiesInFlightPerParent} stories can be in progress at once; wait for one to finish`,
        { 'retry-after': '30' },
      )
    }
    if (storiesPerDayPerParent > 0) {
      const since = new Date(Date.now() - DAY_MS)
      if ((await storyRepository.countCreatedSince(tx, parentId, since)) >= storiesPerDayPerParent) {
        const oldest = await storyRepository.oldestCreatedSince(tx, parentId, since)
        const wait = oldest ? Math.max(1, Math.ceil((oldest.created_at.getTime() + DAY_MS - Date.now()) / 1000)) : 3600
        throw new AppError('RATE_LIMITED', `at most ${storiesPerDayPerParent} stories a day`, {
          'retry-after': String(wait),
        })
      }
    }
  }

  const enqueueStoryText = (jobId: string) => enqueue(jobItem(QUEUES.storyText, { jobId }))

  async function publishCancellation(jobId: string) {
    try {
      await redis.publish(`${config.redis.queuePrefix}:cancellations`, jobId)
    } catch (error) {
      // Workers also check the job's status in Postgres before every provider call.
      logger.warn({ err: error, jobId }, 'could not broadcast a cancellation')
    }
  }

  /** Cancels any unfinished job (a story's, an avatar's, a redraw's); undefined when it is finished or gone. */
  async function cancelJob(jobId: string) {
    const cancelled = await jobLifecycle.cancel(db, jobId)
    if (!cancelled) return undefined
    forgetJob(cancelled.id)
    await publishCancellation(cancelled.id)
    // Event streams hear it at once (their Postgres check would notice within seconds anyway).
    await appendJobEvent(redis, config.redis.queuePrefix, cancelled.id, 'cancelled', jobSnapshot(cancelled)).catch(
      () => undefined,
    )
    return cancelled
  }

  async function findStory(parentId: string, storyId: string) {
    return found(await storyRepository.findOwned(db, parentId, storyId), 'story')
  }

  /** The story whose chapter is to be done again: it must have that chapter and be completed. */
  async function completedStoryWith(parentId: string, storyId: string, chapterNumber: number, doneAgain: string) {
    const story = await findStory(parentId, storyId)
    const chapter = await chapterRepository.find(db, storyId, chapterNumber)
    if (!chapter) throw notFound('chapter')
    if (story.status !== 'completed')
      throw new AppError(
        'CONFLICT',
        `chapters can be ${doneAgain} again once the story is completed; this one is ${story.status}`,
      )
    return story
  }

  /** One chapter's picture (`image`) or narration (`audio`) again, under a job of its own. */
  async function startChapterRedo(parentId: string, storyId: string, chapterNumber: number, kind: 'image' | 'audio') {
    const jobId = randomUUID()
    await jobRepository.create(db, {
      id: jobId,
      parent_id: parentId,
      kind,
      story_id: storyId,
      chapter_number: chapterNumber,
      chapters_total: 1,
    })
    await enqueue(jobItem(REDO_QUEUES[kind], { jobId, storyId, chapterNumber }))
    return { job_id: jobId }
  }

  return {
    /** the languages the active provider writes, and the check that refuses others */
    languages,

    /** `decisions`: the request-time checks that let the topic through, stored with the story */
    async requestStory(parentId: string, body: CreateStoryBody, decisions: readonly RequestDecision[] = []) {
      const story = {
        id: randomUUID(),
        job_id: randomUUID(),
        parent_id: parentId,
        child_id: body.child_id,
        topic: body.topic.trim(),
        story_genre: body.story_genre,
        image_style: body.image_style,
        chapters_total: config.generation.chapters,
        narration_voice: body.narration?.voice ?? null,
        language: body.language,
      }
      const create = (handle: Db | Tx) => storyRepository.createWithJob(handle, story, decisions, languageDefaults)
      // With limits, a transaction holds the parent's lock while they are checked; without, one statement.
      const created = limitsApply
        ? await db.transaction().execute(async (tx) => {
            await enforceStoryLimits(tx, parentId)
            return create(tx)
          })
        : await create(db)
      if (!created) throw notFound('child')
      await enqueueStoryText(story.job_id)
      return { story_id: story.id, job_id: story.job_id, status: 'queued' as const }
    },

    async requestAvatar(parentId: string, childId: string): Promise<string> {
      const jobId = randomUUID()
      await jobRepository.create(db, {
        id: jobId,
        parent_id: parentId,
        kind: 'avatar',
        child_id: childId,
        chapters_total: 0,
      })
      await enqueue(jobItem(QUEUES.avatar, { jobId }))
      return jobId
    },

    /** Starts a failed or cancelled story again under a new job; saved chapters and images are kept. */
    async retryStory(parentId: string, storyId: string) {
      const story = await findStory(parentId, storyId)
      const notRetryable = () =>
        new AppError('CONFLICT', `only a failed or cancelled story can be retried; this one is ${story.status}`)
      if (!(RETRYABLE_JOB_STATUSES as readonly string[]).includes(story.status)) throw notRetryable()
      const jobId = randomUUID()
      const retried = await db.transaction().execute(async (tx) => {
        await enforceStoryLimits(tx, parentId)
        return jobLifecycle.retryStory(tx, {
          story_id: storyId,
          parent_id: parentId,
          job_id: jobId,
          chapters_total: story.chapters_total,
        })
      })
      // Another retry of the same story got there first.
      if (!retried) throw notRetryable()
      await enqueueStoryText(jobId)
      return { job_id: jobId }
    },

    /** Draws one chapter again (a failed illustration, or one the parent dislikes). */
    async redrawChapter(parentId: string, storyId: string, chapterNumber: number) {
      await completedStoryWith(parentId, storyId, chapterNumber, 'drawn')
      return startChapterRedo(parentId, storyId, chapterNumber, 'image')
    },

    /** Narrates one chapter again (a failed narration, or one to hear anew). */
    async redoNarration(parentId: string, storyId: string, chapterNumber: number) {
      const story = await completedStoryWith(parentId, storyId, chapterNumber, 'narrated')
      if (!story.narration_voice)
        throw new AppError('CONFLICT', 'the story was not requested with narration, so it has no voice to read in')
      return startChapterRedo(parentId, storyId, chapterNumber, 'audio')
    },

    /** Stops every further provider call for the story, on whichever worker holds it. */
    async cancelStory(parentId: string, storyId: string) {
      const story = await findStory(parentId, storyId)
      const cancelled = await cancelJob(story.job_id!)
      if (!cancelled) throw new AppError('CONFLICT', `the story is already ${story.status}`)
      return cancelled
    },

    cancelJob,

    findStory,
  }
}

export type StoryService = ReturnType<typeof createStoryService>
