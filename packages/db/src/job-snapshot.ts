import type { JobRow } from './schema.ts'

/**
 * The job exactly as `GET /api/jobs/:job_id` answers it, and the data of its `stage` and final
 * events: here beside the row type, because the API and the worker (which publishes the events)
 * both make it from a jobs row.
 */
export function jobSnapshot(job: JobRow) {
  return {
    job_id: job.id,
    kind: job.kind,
    status: job.status,
    progress: {
      percent: job.percent,
      stage: job.stage,
      chapters_total: job.chapters_total,
      chapters_written: job.chapters_written,
      chapters_illustrated: job.chapters_illustrated,
      chapters_narrated: job.chapters_narrated,
    },
    ...(job.story_id ? { story_id: job.story_id } : {}),
    ...(job.child_id ? { child_id: job.child_id } : {}),
    ...(job.chapter_number ? { chapter_number: job.chapter_number } : {}),
    error: job.error_code ? { code: job.error_code, message: job.error_message ?? '' } : null,
    created_at: job.created_at,
    updated_at: job.updated_at,
  }
}
