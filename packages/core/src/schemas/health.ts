import Type, { type Static } from 'typebox'

/** One dependency's answer in a readiness check (the API's reports its latency, a worker's does not). */
export const HealthCheck = Type.Object({
  status: Type.Enum(['up', 'down']),
  latency_ms: Type.Optional(Type.Number()),
  error: Type.Optional(Type.String()),
  // the moderation entry: which moderator checks content here, and how far it can be trusted
  moderator: Type.Optional(Type.String()),
  assurance: Type.Optional(Type.String()),
})
export type HealthCheck = Static<typeof HealthCheck>

export const Liveness = Type.Object({ status: Type.Literal('ok') })

export const Readiness = Type.Object(
  {
    status: Type.Enum(['ready', 'unavailable']),
    checks: Type.Record(Type.String(), HealthCheck),
  },
  { $id: 'Readiness' },
)
