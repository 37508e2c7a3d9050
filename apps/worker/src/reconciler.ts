import {
  addAgain,
  isUnfinishedJob,
  type JobItem,
  type Logger,
  QUEUES,
  type Queues,
  queueItemsOfJob,
  queueOf,
} from '@dreamify/core'
import { chapterRepository, type Db, type JobRow, jobLifecycle, jobRepository } from '@dreamify/db'
import { runPeriodically } from './periodic.ts'

// A job that has not moved for this long is checked against the queues.
export const STALE_AFTER_MS = 20_000
const INTERVAL_MS = 10_000
const BATCH = 100
/** A job driven again this many times without finishing fails instead of looping forever. */
export const MAX_DRIVES = 12

const LIVE_STATES = new Set(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children'])

/**
 * Postgres is the record and Redis only the transport: an accepted story whose queue entry was
 * never written (Redis down at the time) or was lost (a flush, a failover without persistence)
 * is found here and driven again. Deterministic queue job ids make a double drive harmless.
 */
export function startReconciler({
  db,
  queues,
  logger,
  staleAfterMs = STALE_AFTER_MS,
  intervalMs = INTERVAL_MS,
}: {
  db: Db
  queues: Queues
  logger: Logger
  staleAfterMs?: number
  intervalMs?: number
}) {
  return runPeriodically('reconciler', { intervalMs, jitterMs: 1000, logger }, async () => {
    const stale = await jobLifecycle.listStale(db, new Date(Date.now() - staleAfterMs), BATCH)
    for (const job of stale) await reconcile(db, queues, logger, job)
  })
}

/** The queue job that drives a Postgres job, and the others whose being alive means it is moving. */
async function queueItems(db: Db, job: JobRow): Promise<{ driver: JobItem; others: JobItem[] }> {
  const [driver, ...others] = queueItemsOfJob(job)
  if (job.kind !== 'story') return { driver, others }
  // A story is driven by its text step, which resumes where Postgres says it is (it re-enqueues
  // the pending illustrations and narrations, and completes a fully settled story); its pending
  // image and narration jobs also count as alive.
  const chapters = await chapterRepository.listByStory(db, job.story_id!)
  const pending = {
    [QUEUES.chapterImage]: new Set(chapters.filter((c) => c.image_status === 'pending').map((c) => c.number)),
    // a narration waits for its chapter's text (an outlined chapter's text step enqueues it)
    [QUEUES.chapterAudio]: new Set(
      chapters.filter((c) => c.audio_status === 'pending' && c.written).map((c) => c.number),
    ),
    [QUEUES.chapterText]: new Set(chapters.filter((c) => !c.written).map((c) => c.number)),
  } as Record<string, Set<number>>
  return {
    driver,
    others: others.filter(
      (item) => 'chapterNumber' in item.data && pending[item.name]?.has(item.data.chapterNumber) === true,
    ),
  }
}

async function reconcile(db: Db, queues: Queues, logger: Logger, job: JobRow) {
  const { driver, others } = await queueItems(db, job)
  for (const item of [driver, ...others]) {
    if (LIVE_STATES.has(await queueOf(queues, item).getJobState(item.opts.jobId))) {
      await jobLifecycle.touch(db, job.id)
      return
    }
  }
  if (job.attempts >= MAX_DRIVES) {
    logger.warn({ jobId: job.id }, 'job kept stalling; failing it')
    await jobLifecycle.fail(db, job.id, {
      code: 'INTERNAL',
      message: 'the job was retried too many times without finishing',
    })
    return
  }
  // The listing may be old by now (a busy queue takes time to check): drive only a job that is
  // still unfinished and has still not moved.
  const current = await jobRepository.find(db, job.id)
  if (!current || !isUnfinishedJob(current.status) || current.updated_at > job.updated_at) return
  await addAgain(queues, [driver])
  await jobLifecycle.touch(db, job.id)
  logger.info({ jobId: job.id, kind: job.kind }, 'job had no queue entry; driven again')
}
