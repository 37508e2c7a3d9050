import { type Db, type JobRow, jobRepository } from '@dreamify/db'

/** How far behind Postgres a poll may be. Frontends poll every 500 ms or so; this keeps a hot job to one query per window. */
export const JOB_STATUS_TTL_MS = 200
const MAX_ENTRIES = 50_000

/**
 * A short-lived, per-process cache of job rows for the endpoint frontends hammer. Concurrent
 * polls of one job share one query (the promise is cached, not just the row), and what a poll
 * shows is never more than JOB_STATUS_TTL_MS behind. Ownership is checked on every read.
 */
export function createJobStatusCache(db: Db, ttlMs = JOB_STATUS_TTL_MS) {
  const entries = new Map<string, { expires: number; row: Promise<JobRow | undefined> }>()

  async function findOwned(parentId: string, jobId: string): Promise<JobRow | undefined> {
    const now = Date.now()
    let entry = entries.get(jobId)
    if (!entry || entry.expires <= now) {
      if (entries.size >= MAX_ENTRIES) entries.clear()
      entry = { expires: now + ttlMs, row: jobRepository.find(db, jobId) }
      entries.set(jobId, entry)
      // A failed query is not remembered: the next poll asks Postgres again.
      entry.row.catch(() => entries.delete(jobId))
    }
    const row = await entry.row
    return row && row.parent_id === parentId ? row : undefined
  }

  return {
    findOwned,
    /** This process changed the job (cancelled, deleted): its own next poll must not show the old row. */
    forget: (jobId: string) => void entries.delete(jobId),
  }
}

export type JobStatusCache = ReturnType<typeof createJobStatusCache>
