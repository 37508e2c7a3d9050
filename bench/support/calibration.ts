import { createHash } from 'node:crypto'

const HASHED = Buffer.alloc(32 * 1024 * 1024, 7)
const SNAPSHOT = {
  job_id: '3303f120-1bc0-4904-8002-19a00065d600',
  kind: 'story',
  status: 'running',
  progress: { percent: 40, stage: 'illustrating', chapters_total: 5, chapters_illustrated: 2, chapters_narrated: 0 },
  story_id: 'f82eca16-f5d0-45c7-b1ba-93209243d4a9',
  error: null,
  created_at: '2026-12-02T15:00:00.000Z',
  updated_at: '2026-12-02T15:00:01.000Z',
}

/**
 * How fast this machine's cores are today, as the milliseconds a fixed single-core workload takes
 * (JSON round trips of a job snapshot and a SHA-256 of 32 MiB; the best of three). The machine is a
 * shared virtual one whose speed changes from day to day, so a figure from another run compares
 * with this one only after scaling by the two calibrations: lower is faster.
 */
export function calibrate(): number {
  let best = Number.POSITIVE_INFINITY
  for (let round = 0; round < 3; round++) {
    const started = performance.now()
    for (let i = 0; i < 20_000; i++) JSON.parse(JSON.stringify({ ...SNAPSHOT, percent: i }))
    createHash('sha256').update(HASHED).digest()
    best = Math.min(best, performance.now() - started)
  }
  return Math.round(best)
}
