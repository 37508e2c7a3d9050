// Preloaded into an API or worker process by the bench (node --import bench/probe.ts …): counts
// the Postgres queries (and the time until each answer) and the Redis commands the process
// sends, without changing them. On SIGWINCH it writes its counters, CPU and memory to
// BENCH_PROBE_FILE (after a forced GC when BENCH_PROBE_FILE.gc exists and --expose-gc is on).
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks'

const require = createRequire(import.meta.url)
const file = process.env.BENCH_PROBE_FILE

const stats = {
  pg: { queries: 0, totalMs: 0, byKind: {} as Record<string, number>, msByKind: {} as Record<string, number> },
  redis: { commands: 0, byCommand: {} as Record<string, number> },
}

function kindOf(text: unknown): string {
  if (typeof text !== 'string') return 'other'
  const word = /^\s*(\w+)/.exec(text)?.[1]?.toLowerCase() ?? 'other'
  if (word === 'select' && /\bfor update\b/i.test(text)) return 'select for update'
  if (word === 'select' && /pg_advisory/i.test(text)) return 'advisory lock'
  return word
}

type QueryFn = (this: unknown, ...args: unknown[]) => unknown

try {
  // The same module instance the service loads: pnpm gives every importer one real path.
  const pg = require('pg') as { Client: { prototype: { query: QueryFn } } }
  const original = pg.Client.prototype.query
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0] as { text?: unknown } | string
    const kind = kindOf(typeof first === 'string' ? first : first?.text)
    stats.pg.queries++
    stats.pg.byKind[kind] = (stats.pg.byKind[kind] ?? 0) + 1
    const started = performance.now()
    const result = original.apply(this, args) as { then?: (a: () => void, b: () => void) => unknown } | undefined
    const done = () => {
      const ms = performance.now() - started
      stats.pg.totalMs += ms
      stats.pg.msByKind[kind] = (stats.pg.msByKind[kind] ?? 0) + ms
    }
    if (result && typeof result.then === 'function') result.then(done, done)
    return result
  }
} catch (error) {
  console.error(`bench probe: cannot patch pg: ${(error as Error).message}`)
}

try {
  const ioredis = require('ioredis') as { Redis: { prototype: { sendCommand: QueryFn } } }
  const original = ioredis.Redis.prototype.sendCommand
  ioredis.Redis.prototype.sendCommand = function (this: unknown, ...args: unknown[]) {
    const name = String((args[0] as { name?: unknown })?.name ?? 'other')
    stats.redis.commands++
    stats.redis.byCommand[name] = (stats.redis.byCommand[name] ?? 0) + 1
    return original.apply(this, args)
  }
} catch (error) {
  console.error(`bench probe: cannot patch ioredis: ${(error as Error).message}`)
}

// Event-loop delay and GC pauses since the previous snapshot.
const RESOLUTION_MS = 10
const loopDelay = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
loopDelay.enable()
const gcPauses = { count: 0, totalMs: 0, maxMs: 0 }
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcPauses.count++
    gcPauses.totalMs += entry.duration
    gcPauses.maxMs = Math.max(gcPauses.maxMs, entry.duration)
  }
}).observe({ entryTypes: ['gc'] })

if (file) {
  process.on('SIGWINCH', () => {
    const gc = (globalThis as { gc?: () => void }).gc
    if (existsSync(`${file}.gc`) && gc) {
      gc()
      rmSync(`${file}.gc`, { force: true })
    }
    const snapshot = {
      ...stats,
      cpu: process.cpuUsage(),
      memory: process.memoryUsage(),
      elu: performance.eventLoopUtilization().utilization,
      uptimeMs: performance.now(),
      // The histogram holds whole timer intervals: what is beyond the resolution is the delay.
      loopDelayMs: {
        p50: Math.max(0, loopDelay.percentile(50) / 1e6 - RESOLUTION_MS),
        p99: Math.max(0, loopDelay.percentile(99) / 1e6 - RESOLUTION_MS),
        max: Math.max(0, loopDelay.max / 1e6 - RESOLUTION_MS),
      },
      gc: { ...gcPauses },
    }
    loopDelay.reset()
    gcPauses.count = 0
    gcPauses.totalMs = 0
    gcPauses.maxMs = 0
    writeFileSync(`${file}.tmp`, JSON.stringify(snapshot))
    renameSync(`${file}.tmp`, file)
  })
}
