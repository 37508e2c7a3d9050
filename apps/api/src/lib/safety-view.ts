import type { SafetySummary } from '@dreamify/core'
import { type Db, moderationRepository } from '@dreamify/db'

/** A story's moderation as a parent sees it in GET /api/stories/:id. */
export async function safetySummary(db: Db, storyId: string): Promise<SafetySummary> {
  const row = await moderationRepository.summarise(db, storyId)
  const checkedBy = row.moderators.filter((m): m is 'openai' | 'local' => m === 'openai' || m === 'local')
  return {
    checked_by: checkedBy,
    assurance: checkedBy.includes('openai') ? 'standard' : checkedBy.length > 0 ? 'lower' : null,
    checks: row.checks,
    flagged: row.flagged_targets,
    reports: row.reports,
  }
}
