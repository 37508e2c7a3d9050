import { metricsOn, secondsSince } from '@dreamify/core/metrics'
import type { Registry } from 'prom-client'
import type { ModerationStage, ModerationVerdict, Moderator } from './moderator.ts'

/** The moderation metrics, on the process's own registry (API and worker each have one). */
export function createModerationMetrics(registry: Registry) {
  const { counter, gauge, histogram } = metricsOn(registry)
  const decisions = counter('dreamify_moderation_total', 'Moderation decisions by stage, moderator and decision', [
    'stage',
    'moderator',
    'decision',
  ])
  const duration = histogram(
    'dreamify_moderation_duration_seconds',
    'Duration of one moderation check by stage and moderator',
    ['stage', 'moderator'],
    [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  )
  const assurance = gauge(
    'dreamify_moderation_assurance',
    'The moderator this process uses (1), with its assurance level: lower for the offline word lists',
    ['role', 'moderator', 'assurance'],
  )
  const reports = counter('dreamify_story_reports_total', 'Stories parents reported, by reason', ['reason'])
  return {
    /** `role` says what the moderator is for here: the request-time check, or the pipeline's. */
    announce(role: 'request' | 'pipeline', moderator: Pick<Moderator, 'name' | 'assurance'>) {
      assurance.set({ role, moderator: moderator.name, assurance: moderator.assurance }, 1)
    },
    observe(stage: ModerationStage, verdict: ModerationVerdict, startedAt: number) {
      decisions.inc({ stage, moderator: verdict.moderator, decision: verdict.decision })
      duration.observe({ stage, moderator: verdict.moderator }, secondsSince(startedAt))
    },
    reported(reason: string) {
      reports.inc({ reason })
    },
  }
}

export type ModerationMetrics = ReturnType<typeof createModerationMetrics>
