// ./dreamify bench [name…]: runs the benchmarks against real API and worker processes on the local
// Postgres and Redis, prints a table, and writes docs/benchmarks.md. See docs/benchmarks.md.
import { execFileSync } from 'node:child_process'
import { cpus, release, totalmem, type } from 'node:os'
import { join } from 'node:path'
import { checkServices, dropDatabase, migrateDatabase } from '@dreamify/db'
import { books } from './books.ts'
import { enqueue } from './enqueue.ts'
import { latency } from './latency.ts'
import { media } from './media.ts'
import { memory } from './memory.ts'
import { narration } from './narration.ts'
import { pipeline } from './pipeline.ts'
import { poll } from './poll.ts'
import { reference } from './reference.ts'
import {
  BENCH_NAMES,
  type BenchName,
  type BenchResult,
  type Machine,
  type Outcome,
  printTable,
  TITLES,
  writeDocument,
} from './report.ts'
import { scale } from './scale.ts'
import { scaling } from './scaling.ts'
import { strategy } from './strategy.ts'
import { streaming } from './streaming.ts'
import { calibrate } from './support/calibration.ts'
import {
  ADMIN_URL,
  type BenchContext,
  backgroundLoad,
  createPool,
  DATABASE_URL,
  deleteKeys,
  killAll,
  lastServices,
  loadAverage,
  newPrefix,
  REDIS_URL,
  ROOT,
  resetData,
  stopLive,
} from './support/index.ts'
import { web } from './web.ts'

const BENCHES: Record<BenchName, (context: BenchContext) => Promise<Outcome>> = {
  poll,
  enqueue,
  pipeline,
  latency,
  scaling,
  memory,
  streaming,
  strategy,
  scale,
  web,
  media,
  narration,
  reference,
  books,
}

const requested = process.argv.slice(2).filter((a) => a !== '--')
const unknown = requested.filter((n) => !(BENCH_NAMES as readonly string[]).includes(n))
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; choose from ${BENCH_NAMES.join(', ')}`)
  process.exit(2)
}
const names: BenchName[] = requested.length ? BENCH_NAMES.filter((n) => requested.includes(n)) : [...BENCH_NAMES]

process.on('SIGINT', () => {
  killAll()
  process.exit(130)
})
process.on('SIGTERM', () => {
  killAll()
  process.exit(143)
})

const log = (message: string) => console.log(`bench: ${message}`)

function gitCommit(): string {
  try {
    return (
      execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 5000,
      })
        .toString()
        .trim() || 'unknown'
    )
  } catch {
    return 'unknown (no git)'
  }
}

const machine: Machine = {
  calibrationMs: calibrate(),
  cores: cpus().length,
  cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
  memoryGiB: totalmem() / 1024 ** 3,
  node: process.version,
  os: `${type()} ${release()}`,
}
const commit = gitCommit()
const ranAt = new Date()
  .toISOString()
  .replace(/:\d\d\.\d+Z$/, ' UTC')
  .replace('T', ' ')
const started = performance.now()
const loadBefore = loadAverage()

try {
  await checkServices({ postgres: ADMIN_URL, redis: REDIS_URL })
} catch (error) {
  console.error((error as Error).message)
  process.exit(1)
}
log(
  `${names.join(', ')} on ${machine.cores} cores, Node ${machine.node}, commit ${commit}; calibration ${machine.calibrationMs} ms`,
)
const background = await backgroundLoad()
const backgroundLine = `before the run, other work kept ${background.busyCores.toFixed(2)} of ${machine.cores} cores busy; ${background.foreign} Dreamify API/worker processes not started by the bench were running (${background.orphans} of them orphaned, i.e. left behind by test runs that ended)`
log(backgroundLine)
if (background.busyCores > 0.25 * machine.cores)
  log('warning: the machine is busy with other work; the figures will be low and noisy')
log(`recreating ${DATABASE_URL}`)
await dropDatabase(DATABASE_URL)
await migrateDatabase(DATABASE_URL)
const pool = createPool()

const results: BenchResult[] = []
for (const name of names) {
  const prefix = newPrefix(name)
  log(`--- ${name}: ${TITLES[name]}`)
  const t0 = performance.now()
  const before = loadAverage()[0]!
  let outcome: Outcome = { setup: '', figures: [], notes: [] }
  let error: string | undefined
  lastServices()
  try {
    await resetData(pool)
    outcome = await BENCHES[name]({ pool, prefix, log })
  } catch (caught) {
    error = (caught as Error).stack ?? String(caught)
    const exited = lastServices().filter((s) => s.process.exitCode !== null || s.process.signalCode !== null)
    for (const s of exited)
      error += `\n${s.name} (pid ${s.pid}) had exited (${s.process.exitCode ?? s.process.signalCode}); its last output:\n${s.tail().slice(-3000)}`
    console.error(`bench: ${name} failed: ${error}`)
  } finally {
    await stopLive()
    await deleteKeys(prefix).catch(() => undefined)
  }
  const result: BenchResult = {
    name,
    title: TITLES[name],
    ranAt,
    commit,
    machine,
    loadBefore: before,
    loadAfter: loadAverage()[0]!,
    durationS: (performance.now() - t0) / 1000,
    ...outcome,
    ...(error ? { error } : {}),
  }
  results.push(result)
  log(`${name} took ${Math.round(result.durationS)} s`)
}

await pool.end()
// The bench's rows (images included) are of no use once the figures are written.
await dropDatabase(DATABASE_URL).catch(() => undefined)

const totalS = (performance.now() - started) / 1000
printTable(results)
const docPath = join(ROOT, 'docs/benchmarks.md')
writeDocument(docPath, {
  ranAt,
  commit,
  machine,
  names,
  results,
  totalS,
  loadBefore,
  loadAfter: loadAverage(),
  background: backgroundLine,
})
log(`wrote ${docPath} (${Math.round(totalS)} s in all)`)
process.exit(0)
