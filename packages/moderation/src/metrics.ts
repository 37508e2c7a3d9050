import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import type { ModerationStage, ModerationVerdict, Moderator } from './moderator.ts'

/** The moderation metrics, on the process's own registry (API and worker each have one). */
export function createModerationMetrics(registry: Registry) {
  const registers = [registry]
  const decisions = new Counter({
    name: 'dreamify_moderation_total',
    help: 'Moderation decisions by stage, moderator and decision',
    labelNames: ['stage', 'moderator', 'decision'] as const,
    registers,
  })
  const duration = new Histogram({
    name: 'dreamify_moderation_duration_seconds',
    help: 'Duration of one moderation check by stage and moderator',
    labelNames: ['stage', 'moderator'] as const,
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  })
  const assurance = new Gauge({
    name: 'dreamify_moderation_assurance',
    help: 'The moderator this process uses (1), with its assurance level: lower for the offline word lists',
    labelNames: ['role', 'moderator', 'assurance'] as const,
    registers,
  })
  const reports = new Counter({
    name: 'dreamify_story_reports_total',
    help: 'Stories parents reported, by reason',
    labelNames: ['reason'] as const,
    registers,
  })
  return {
    /** `role` says what the moderator is for here: the request-time check, or the pipeline's. */
    announce(role: 'request' | 'pipeline', moderator: Pick<Moderator, 'name' | 'assurance'>) {
      assurance.set({ role, moderator: moderator.name, assurance: moderator.assurance }, 1)
    },
    observe(stage: ModerationStage, verdict: ModerationVerdict, startedAt: number) {
      decisions.inc({ stage, moderator: verdict.moderator, decision: verdict.decision })
      duration.observe({ stage, moderator: verdict.moderator }, (performance.now() - startedAt) / 1000)
    },
    reported(reason: string) {
      reports.inc({ reason })
    },
  }
}

export type ModerationMetrics = ReturnType<typeof createModerationMetrics>
