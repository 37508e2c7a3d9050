// Where the bench's services are, and the helpers it shares with the tests.
import { resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { aStory, waitFor } from '@dreamify/testkit'

export { aStory, sleep, waitFor }

export const ROOT = resolve(import.meta.dirname, '../..')
// Everything the bench talks to is on this machine.
export const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres'
// Recreated by every run: BENCH_DATABASE_URL gives a run a database of its own, so that two runs
// on one machine (two worktrees) do not drop each other's.
export const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/dreamify_bench'
export const REDIS_URL = 'redis://127.0.0.1:6379/0'
export const BENCH_SECRET = 'bench-secret-that-is-long-enough-for-hs256-signing'
