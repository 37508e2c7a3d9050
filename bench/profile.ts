// Summarises V8 CPU profiles (node --cpu-prof) written by the processes of a benchmark: self time
// by package (node_modules package, or the repository's own directories) and by function.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

function owner(url: string): string {
  if (!url) return '(native / V8)'
  const modules = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (modules) return modules[1]!
  if (url.startsWith('node:')) return 'node core'
  const repo = /\/(apps\/[^/]+|packages\/[^/]+|bench)\//.exec(url)
  if (repo) return repo[1]!
  return url
}

export interface ProfileSummary {
  totalMs: number
  byPackage: Array<[string, number]>
  byFunction: Array<[string, number]>
}

/** Adds up every .cpuprofile in the directory. */
export function summariseProfiles(dir: string, top = 12): ProfileSummary {
  const byPackage = new Map<string, number>()
  const byFunction = new Map<string, number>()
  let totalMs = 0
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
    // Self time per sample: the time delta that follows it.
    for (let i = 0; i < profile.samples.length; i++) {
      const node = nodes.get(profile.samples[i]!)
      const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000
      if (!node) continue
      const name = node.callFrame.functionName || '(anonymous)'
      if (name === '(idle)') continue
      totalMs += ms
      const pkg = name === '(garbage collector)' ? '(garbage collector)' : owner(node.callFrame.url)
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms)
      const where = node.callFrame.url
        ? `${owner(node.callFrame.url)}:${node.callFrame.url.split('/').at(-1)}:${node.callFrame.lineNumber + 1}`
        : ''
      const key = where ? `${name} (${where})` : name
      byFunction.set(key, (byFunction.get(key) ?? 0) + ms)
    }
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top)
  return { totalMs, byPackage: sorted(byPackage), byFunction: sorted(byFunction) }
}

export function describeProfile(
  summary: ProfileSummary,
  perUnit: number,
  unit: string,
  what = 'the workers',
): string[] {
  const share = (ms: number) => `${Math.round((ms / summary.totalMs) * 100)} %`
  const per = (ms: number) => `${(ms / perUnit).toFixed(2)} ms/${unit}`
  return [
    `CPU profile of ${what} (node --cpu-prof), ${Math.round(summary.totalMs)} ms sampled: by package ${summary.byPackage.map(([k, v]) => `${k} ${share(v)} (${per(v)})`).join(', ')}.`,
    `Hottest functions (self time): ${summary.byFunction.map(([k, v]) => `${k} ${share(v)}`).join('; ')}.`,
  ]
}
