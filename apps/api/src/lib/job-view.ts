import type { JobRow } from '@dreamify/db'

/** A job as clients poll it: exactly one of story_id / child_id, plus chapter_number for redraws. */
export function jobView(job: JobRow) {
  return {
    job_id: job.id,
    kind: job.kind,
    status: job.status,
    progress: {
      percent: job.percent,
      stage: job.stage,
      chapters_total: job.chapters_total,
      chapters_illustrated: job.chapters_illustrated,
    },
    ...(job.story_id ? { story_id: job.story_id } : {}),
    ...(job.child_id ? { child_id: job.child_id } : {}),
    ...(job.chapter_number ? { chapter_number: job.chapter_number } : {}),
    error: job.error_code ? { code: job.error_code, message: job.error_message ?? '' } : null,
    created_at: job.created_at,
    updated_at: job.updated_at,
  }
}
