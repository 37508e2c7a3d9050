import { AppError } from '@dreamify/core'
import { type Db, moderationRepository, type RequestDecision } from '@dreamify/db'
import { checkTextLocally, describeCategories, type ModerationMetrics } from '@dreamify/moderation'

/** A field's path in the request (`body.topic`) and what the parent typed (absent fields are skipped). */
export type CheckedFields = Record<string, string | null | undefined>

/**
 * The request-time check: the offline moderator on what a parent typed, in microseconds and with no
 * network, so the enqueue path stays fast. A refusal is a 422 CONTENT_REFUSED naming the first field
 * that failed, in words a parent can act on; it is stored in the audit trail (without the text) at
 * once, since nothing else is saved. What was allowed is returned, for the statement that saves the
 * story or the child to store with it (no round trip of its own).
 */
export function createContentCheck(deps: { db: Db; metrics: ModerationMetrics }) {
  return async function refuseUnsafeText(parentId: string, fields: CheckedFields): Promise<RequestDecision[]> {
    const allowed: RequestDecision[] = []
    for (const [path, value] of Object.entries(fields)) {
      if (typeof value !== 'string' || value.trim() === '') continue
      const started = performance.now()
      const verdict = checkTextLocally(value)
      deps.metrics.observe('request', verdict, started)
      const decision: RequestDecision = {
        target: path.replace(/^body\./, ''),
        moderator: verdict.moderator,
        decision: verdict.decision,
        categories: verdict.categories,
      }
      if (verdict.decision === 'allowed') {
        allowed.push(decision)
        continue
      }
      await moderationRepository.record(deps.db, {
        ...decision,
        parent_id: parentId,
        story_id: null,
        job_id: null,
        stage: 'request',
      })
      throw new AppError(
        'CONTENT_REFUSED',
        `${path} is not suitable for a bedtime story: it seems to be about ${describeCategories(verdict.categories)}. Please rephrase it as something gentle and kind.`,
      )
    }
    return allowed
  }
}

export type ContentCheck = ReturnType<typeof createContentCheck>
