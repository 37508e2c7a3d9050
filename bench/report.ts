// Results: the console table and docs/benchmarks.md. The document keeps the results of every
// benchmark as JSON in a comment at its end, so that `./dreamify bench poll` refreshes the poll
// figures and keeps the others (marked with the date they were measured); the hand-written
// "What was tried and what it gave" section between its markers is kept as it is.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export const BENCH_NAMES = [
  'poll',
  'enqueue',
  'pipeline',
  'latency',
  'scaling',
  'memory',
  'streaming',
  'strategy',
  'scale',
  'web',
  'media',
  'narration',
  'reference',
  'books',
] as const
export type BenchName = (typeof BENCH_NAMES)[number]

export interface Figure {
  label: string
  value: number | null
  unit: string
  digits?: number
  /** e.g. '≥ 5,000 req/s'; none for a figure given for information */
  target?: string
  pass?: boolean
}

export interface Outcome {
  /** what was run, in a sentence or two */
  setup: string
  figures: Figure[]
  /** measurements that explain the figures (profiling evidence, breakdowns) */
  notes: string[]
}

export interface Machine {
  cores: number
  cpuModel: string
  memoryGiB: number
  node: string
  os: string
  /** the fixed single-core workload's milliseconds (support/calibration.ts); absent in runs before it */
  calibrationMs?: number
}

export interface BenchResult extends Outcome {
  name: BenchName
  title: string
  ranAt: string
  commit: string
  machine: Machine
  /** 1-minute load average before and after (other work on the machine shows here) */
  loadBefore: number
  loadAfter: number
  durationS: number
  error?: string
}

export const TITLES: Record<BenchName, string> = {
  poll: 'Polling a job (GET /api/jobs/:job_id)',
  enqueue: 'Requesting stories (POST /api/stories)',
  pipeline: 'Stories end to end, zero-latency provider',
  latency: 'Story latency against a provider with fixed latency',
  scaling: 'Scaling out worker processes (provider-bound)',
  memory: "A worker's memory over 1,000 stories",
  streaming: 'Streaming: first illustrated chapter and whole story',
  strategy: 'Generation strategy: stream vs outline, time and cost per story',
  scale: 'Hot reads at a million stories',
  web: "The parents' web app: first-load JavaScript and time to interactive",
  media: 'Media: image views, the pipeline on s3, and what a phone downloads',
  narration: 'Narrated stories: overhead over the provider time',
  reference: "Chapters drawn from the child's avatar: input tokens and image inputs per story",
  books: 'Keepsakes: building the PDF and the EPUB of a 5-chapter story with 1024² pictures',
}

export function formatValue(figure: Figure): string {
  if (figure.value === null || Number.isNaN(figure.value)) return 'n/a'
  const digits = figure.digits ?? (Math.abs(figure.value) >= 100 ? 0 : Math.abs(figure.value) >= 10 ? 1 : 2)
  const text = figure.value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
  return figure.unit ? `${text} ${figure.unit}` : text
}

const verdict = (figure: Figure) => (figure.target === undefined ? '' : figure.pass ? 'PASS' : 'MISS')

export function printTable(results: BenchResult[]) {
  const rows: string[][] = [['benchmark', 'figure', 'measured', 'target', 'result']]
  for (const result of results) {
    if (result.error) rows.push([result.name, 'ERROR', result.error.split('\n')[0]!.slice(0, 80), '', 'MISS'])
    for (const figure of result.figures)
      rows.push([result.name, figure.label, formatValue(figure), figure.target ?? '', verdict(figure)])
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  const line = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')
  console.log(`\n${line(rows[0]!)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`)
  for (const row of rows.slice(1)) console.log(line(row))
}

const NOTES_START = '<!-- notes:start (kept by the bench across runs; edit freely) -->'
const NOTES_END = '<!-- notes:end -->'
const RESULTS_START = '<!-- bench-results (machine-readable; written by bench/run.ts)'
const RESULTS_END = '-->'

const PLACEHOLDER_NOTES = `_Nothing recorded yet: after a run, write here what was tried (configuration, code changes) and what each change gave, with the figures._`

function readExisting(path: string): { notes: string; results: Partial<Record<BenchName, BenchResult>> } {
  if (!existsSync(path)) return { notes: PLACEHOLDER_NOTES, results: {} }
  const text = readFileSync(path, 'utf8')
  const notesAt = text.indexOf(NOTES_START)
  const notesEnd = text.indexOf(NOTES_END)
  const notes =
    notesAt >= 0 && notesEnd > notesAt ? text.slice(notesAt + NOTES_START.length, notesEnd).trim() : PLACEHOLDER_NOTES
  let results: Partial<Record<BenchName, BenchResult>> = {}
  const resultsAt = text.indexOf(RESULTS_START)
  if (resultsAt >= 0) {
    const end = text.indexOf(RESULTS_END, resultsAt + RESULTS_START.length)
    try {
      results = JSON.parse(text.slice(resultsAt + RESULTS_START.length, end).trim())
    } catch {
      results = {}
    }
  }
  return { notes, results }
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

function machineLine(m: Machine) {
  const speed = m.calibrationMs === undefined ? '' : `; calibration ${m.calibrationMs} ms (lower is faster)`
  return `${m.cores} cores (${m.cpuModel}), ${m.memoryGiB.toFixed(1)} GiB memory, Node ${m.node}, ${m.os}${speed}`
}

/** Merges this run's results into docs/benchmarks.md and rewrites it. */
export function writeDocument(
  path: string,
  run: {
    ranAt: string
    commit: string
    machine: Machine
    names: BenchName[]
    results: BenchResult[]
    totalS: number
    loadBefore: number[]
    loadAfter: number[]
    background: string
  },
) {
  const existing = readExisting(path)
  const all: Partial<Record<BenchName, BenchResult>> = { ...existing.results }
  for (const result of run.results) all[result.name] = result
  const ordered = BENCH_NAMES.map((name) => all[name]).filter((r): r is BenchResult => r !== undefined)

  const out: string[] = []
  out.push('# Benchmarks')
  out.push('')
  out.push(
    'Written by `./dreamify bench` (`bench/run.ts`): it creates the `dreamify_bench` database (or the one `BENCH_DATABASE_URL` names, so that two runs on one machine keep apart), starts real API and worker processes (`node apps/api/src/server.ts`, `node apps/worker/src/main.ts`) against the local Postgres and Redis, and loads them from separate processes. These are benchmarks, not tests: a MISS fails nothing. `./dreamify bench <name…>` runs a subset (' +
      BENCH_NAMES.map((n) => `\`${n}\``).join(', ') +
      '); the other sections then keep the figures of their last run, with its date.',
  )
  out.push('')
  out.push(
    `- **Last run:** ${run.ranAt} (${run.names.join(', ')}; ${Math.round(run.totalS)} s), commit \`${run.commit}\``,
  )
  out.push(
    `- **Machine:** ${machineLine(run.machine)}. The calibration is the milliseconds a fixed single-core workload took before the run (\`bench/support/calibration.ts\`): the machine is a shared virtual one whose speed changes from day to day, so a section measured on another day compares with this run only after scaling by the two calibrations.`,
  )
  out.push(
    `- **Other work on the machine:** ${run.background}. Load average (1, 5, 15 min) ${run.loadBefore.join(', ')} before, ${run.loadAfter.join(', ')} after. The machine, its Postgres and its Redis are shared with other engineers' test runs, so figures can be low and noisy; each section gives the 1-minute load average around it and, where measured, the CPU other processes took ("other").`,
  )
  out.push('')
  out.push('## Summary')
  out.push('')
  out.push('| benchmark | figure | measured | target | result |')
  out.push('|---|---|---|---|---|')
  for (const result of ordered) {
    const stale = result.ranAt !== run.ranAt ? ` (${result.ranAt.slice(0, 10)})` : ''
    if (result.error)
      out.push(
        `| ${result.name}${stale} | did not complete | ${cell(result.error.split('\n')[0]!.slice(0, 160))} | | MISS |`,
      )
    for (const figure of result.figures)
      out.push(
        `| ${result.name}${stale} | ${cell(figure.label)} | ${formatValue(figure)} | ${figure.target ?? ''} | ${verdict(figure)} |`,
      )
  }
  out.push('')
  const missed = ordered.flatMap((r) =>
    r.figures.filter((f) => f.target !== undefined && !f.pass).map((f) => `${r.name}: ${f.label}`),
  )
  out.push(missed.length ? `Missed: ${missed.join('; ')}.` : 'Every target was met.')
  out.push('')
  out.push('## Details')
  for (const result of ordered) {
    out.push('')
    out.push(`### ${result.name}: ${TITLES[result.name]}`)
    out.push('')
    const when =
      result.ranAt === run.ranAt
        ? 'this run'
        : `${result.ranAt}, commit \`${result.commit}\`, ${machineLine(result.machine)}`
    out.push(
      `_Measured: ${when}; ${Math.round(result.durationS)} s; load average ${result.loadBefore} before, ${result.loadAfter} after._`,
    )
    out.push('')
    out.push(result.setup)
    if (result.error) {
      out.push('')
      out.push('**The benchmark did not complete:**')
      out.push('')
      out.push('```')
      out.push(result.error.slice(0, 3000))
      out.push('```')
    }
    if (result.figures.length) {
      out.push('')
      out.push('| figure | measured | target | result |')
      out.push('|---|---|---|---|')
      for (const figure of result.figures)
        out.push(`| ${cell(figure.label)} | ${formatValue(figure)} | ${figure.target ?? ''} | ${verdict(figure)} |`)
    }
    if (result.notes.length) {
      out.push('')
      for (const note of result.notes) out.push(`- ${note}`)
    }
  }
  out.push('')
  out.push('## What was tried and what it gave')
  out.push('')
  out.push(NOTES_START)
  out.push(existing.notes)
  out.push(NOTES_END)
  out.push('')
  out.push(RESULTS_START)
  out.push(JSON.stringify(all, null, 1).replace(/-->/g, '--\\u003e'))
  out.push(RESULTS_END)
  out.push('')
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, out.join('\n'))
}
