import { type Expression, type RawBuilder, sql } from 'kysely'

/**
 * How a job's percent moves, the one formula. Writing fills 5–40 %, illustrating 40–95 %, each by
 * the share of its chapters done; only completion makes it 100. Percent only ever grows, so a late
 * or repeated update never moves it back.
 */
export const PERCENT = {
  /** a story's text step has started */
  started: 2,
  /** a one-picture job (an avatar, a chapter drawn again) has started */
  drawing: 10,
  completed: 100,
} as const

const PHASES = {
  writing: { from: 5, span: 35 },
  illustrating: { from: 40, span: 55 },
  /** an outlined story: texts and pictures together, each chapter counting twice (written, settled) */
  parallel: { from: 5, span: 90 },
} as const

/** The percent never goes below what it is: `greatest(percent, value)` (a number from the code goes in as a literal). */
export function raisedPercent(value: Expression<number> | number): RawBuilder<number> {
  const to = typeof value === 'number' ? sql.lit(value) : value
  return sql<number>`greatest(percent, ${to})`
}

/** A story's percent once `done` of `total` chapters are through the phase (raised, never lowered). */
export function storyPercent(
  phase: keyof typeof PHASES,
  done: Expression<number>,
  total: Expression<number>,
): RawBuilder<number> {
  const { from, span } = PHASES[phase]
  return raisedPercent(
    sql<number>`least(95, round(${sql.lit(from)} + ${sql.lit(span)} * (${done})::numeric / (${total})))::integer`,
  )
}

/** An outlined story's percent once `done` of its `2 × total` texts and pictures are through (raised, never lowered). */
export function parallelPercent(done: Expression<number>, total: Expression<number>): RawBuilder<number> {
  return storyPercent('parallel', done, sql<number>`2 * (${total})`)
}
