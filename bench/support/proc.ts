// The probe (bench/probe.ts) and /proc
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { waitFor } from '@dreamify/testkit'
import type { Service } from './processes.ts'

export interface ProbeSnapshot {
  pg: { queries: number; totalMs: number; byKind: Record<string, number>; msByKind: Record<string, number> }
  redis: { commands: number; byCommand: Record<string, number> }
  cpu: { user: number; system: number }
  memory: { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number }
  elu: number
  uptimeMs: number
  /** since the previous snapshot */
  loopDelayMs: { p50: number; p99: number; max: number }
  /** GC pauses since the previous snapshot */
  gc: { count: number; totalMs: number; maxMs: number }
}

/** Asks a probed process for its counters (SIGWINCH); it answers by writing its file. */
export async function probe(service: Service, { gc = false } = {}): Promise<ProbeSnapshot> {
  const file = service.probeFile
  if (!file) throw new Error(`${service.name} runs without the probe`)
  rmSync(file, { force: true })
  rmSync(`${file}.gc`, { force: true })
  if (gc) writeFileSync(`${file}.gc`, '1')
  service.process.kill('SIGWINCH')
  await waitFor(`${service.name}'s probe`, () => existsSync(file), { timeoutMs: 10_000, intervalMs: 20 })
  return JSON.parse(readFileSync(file, 'utf8')) as ProbeSnapshot
}

export function diffProbe(after: ProbeSnapshot, before: ProbeSnapshot) {
  const byKind: Record<string, number> = {}
  for (const [k, v] of Object.entries(after.pg.byKind)) byKind[k] = v - (before.pg.byKind[k] ?? 0)
  const byCommand: Record<string, number> = {}
  for (const [k, v] of Object.entries(after.redis.byCommand)) byCommand[k] = v - (before.redis.byCommand[k] ?? 0)
  const msByKind: Record<string, number> = {}
  for (const [k, v] of Object.entries(after.pg.msByKind)) msByKind[k] = v - (before.pg.msByKind[k] ?? 0)
  return {
    msByKind,
    pgQueries: after.pg.queries - before.pg.queries,
    pgMs: after.pg.totalMs - before.pg.totalMs,
    byKind,
    redisCommands: after.redis.commands - before.redis.commands,
    byCommand,
    cpuMs: (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000,
  }
}

/** VmRSS of a process, in bytes. */
export function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  if (!match) throw new Error(`no VmRSS for ${pid}`)
  return Number(match[1]) * 1024
}

export const TICK_MS = 10 // USER_HZ is 100 on Linux

export function cpuTicksOf(pid: number | string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(fields[11]) + Number(fields[12]) // utime, stime
  } catch {
    return 0
  }
}

/** CPU milliseconds used so far by the given pids, by processes with the given names, and by the whole machine. */
export function cpuSnapshot(pids: Record<string, number[]>, names: string[] = ['postgres', 'redis-server']) {
  const byName: Record<string, number> = {}
  for (const name of names) byName[name] = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let comm: string
    try {
      comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim()
    } catch {
      continue
    }
    if (comm in byName) byName[comm]! += cpuTicksOf(entry) * TICK_MS
  }
  const byGroup: Record<string, number> = {}
  for (const [group, list] of Object.entries(pids))
    byGroup[group] = list.reduce((sum, pid) => sum + cpuTicksOf(pid) * TICK_MS, 0)
  byGroup.bench = cpuTicksOf(process.pid) * TICK_MS
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
  const total = line.slice(0, 8).reduce((a, b) => a + b, 0) * TICK_MS
  const idle = (line[3]! + line[4]!) * TICK_MS
  return { at: performance.now(), byName, byGroup, busy: total - idle }
}

export type CpuSnapshot = ReturnType<typeof cpuSnapshot>

/**
 * Where the machine's CPU went between two snapshots, in core-seconds. Processes that exited
 * meanwhile are missing from `after`, so take it before stopping them. Postgres and Redis are
 * the servers' totals, so they include other clients of the same servers.
 */
export function cpuBreakdown(before: CpuSnapshot, after: CpuSnapshot) {
  const wallS = (after.at - before.at) / 1000
  const parts: Record<string, number> = {}
  for (const key of Object.keys(after.byGroup))
    parts[key] = ((after.byGroup[key] ?? 0) - (before.byGroup[key] ?? 0)) / 1000
  for (const key of Object.keys(after.byName))
    parts[key] = Math.max(0, ((after.byName[key] ?? 0) - (before.byName[key] ?? 0)) / 1000)
  const busy = (after.busy - before.busy) / 1000
  const known = Object.values(parts).reduce((a, b) => a + b, 0)
  parts.other = Math.max(0, busy - known)
  return { wallS, busyCoreS: busy, parts }
}

/**
 * Measures where the machine's CPU goes from now on, for the given pids by group: `read()` is the
 * breakdown so far (take it before stopping the processes). The load generator's own CPU, when
 * given, is counted apart instead of under `other`.
 */
export function cpuMeter(pids: Record<string, number[]>) {
  const before = cpuSnapshot(pids)
  return {
    read(loadGeneratorMs?: number) {
      const cpu = cpuBreakdown(before, cpuSnapshot(pids))
      if (loadGeneratorMs !== undefined) {
        cpu.parts['load generator'] = loadGeneratorMs / 1000
        cpu.parts.other = Math.max(0, (cpu.parts.other ?? 0) - loadGeneratorMs / 1000)
      }
      return cpu
    },
  }
}

export function loadAverage(): number[] {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number)
}
