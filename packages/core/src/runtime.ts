/**
 * The environment our API and worker processes run with, as deployed. The Dockerfile (ENV) and the
 * package.json start scripts repeat it, since they cannot import it; ./dreamify start and the
 * benchmarks use this. docs/benchmarks.md measures both settings:
 * - MALLOC_ARENA_MAX=2: glibc otherwise keeps per-thread arenas that grow a busy worker's RSS.
 * - --max-semi-space-size=8 (MiB): a smaller young generation makes each scavenge a few ms instead
 *   of 15-25 ms under load, which was most of the API's p99, and keeps a worker's heap smaller.
 */
export const RUNTIME_ENV = { MALLOC_ARENA_MAX: '2', NODE_OPTIONS: '--max-semi-space-size=8' } as const
