// Processes
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RUNTIME_ENV } from '@dreamify/core'
import {
  type NodeProcess,
  runningChildren,
  startApiProcess,
  startNodeProcess,
  startWorkerProcess,
} from '@dreamify/testkit'
import { BENCH_SECRET, DATABASE_URL, REDIS_URL, ROOT } from './constants.ts'

const started: Service[] = []
/** The services started since the last call (for failure reports). */
export function lastServices(): Service[] {
  return started.splice(0)
}
/** Kills every process the bench started (only those, by their own handles). */
export function killAll(signal: NodeJS.Signals = 'SIGKILL') {
  for (const child of runningChildren()) if (child.exitCode === null && child.signalCode === null) child.kill(signal)
}

export interface StepStats {
  count: number
  totalMs: number
  maxMs: number
}

export interface Service extends NodeProcess {
  name: string
  /** the last lines the process printed, for failure reports */
  tail: () => string
  /** 'step done' log lines by queue (workers at LOG_LEVEL=info) */
  steps: Map<string, StepStats>
  /** log messages at warn or above, with their error's message (the first 200) */
  warnings: string[]
  /** how many times each log message was printed */
  messages: Map<string, number>
  probeFile: string | undefined
}

export interface StartOptions {
  /** preload bench/probe.ts (counts Postgres queries and Redis commands, reports CPU and memory on SIGWINCH) */
  probe?: boolean
  execArgv?: string[]
  /** arguments after the entry */
  args?: string[]
  /** called with every JSON line the process prints */
  onJson?: (entry: Record<string, unknown>) => void
}

const BASE_ENV = {
  NODE_ENV: 'production',
  JWT_SECRET: BENCH_SECRET,
  DATABASE_URL,
  REDIS_URL,
  LOG_LEVEL: 'warn',
  // A benchmark is one client posting far more than a parent may: lift every per-parent and per-IP limit.
  STORIES_IN_FLIGHT_PER_PARENT: '0',
  STORIES_PER_DAY_PER_PARENT: '0',
  LOGIN_ATTEMPTS_PER_15_MIN: '0',
  REGISTRATIONS_PER_HOUR_PER_IP: '0',
  GENERATION_PROVIDER: 'fixtures',
  // As deployed: two malloc arenas, an 8 MiB young generation.
  ...RUNTIME_ENV,
}

let serial = 0
/** A number for temporary file names, unique within this process. */
export function nextSerial() {
  return serial++
}

/** Starts one of our processes (node <entry>) with the bench environment; nothing is inherited but PATH. */
export function startProcess(
  name: string,
  entry: string,
  env: Record<string, string>,
  options: StartOptions = {},
): Service {
  const probeFile = options.probe
    ? join(tmpdir(), `dreamify-bench-probe-${process.pid}-${nextSerial()}.json`)
    : undefined
  const execArgv = [
    ...(options.probe ? ['--expose-gc', '--import', join(ROOT, 'bench/probe.ts')] : []),
    ...(options.execArgv ?? []),
  ]
  const spawned = startNodeProcess(entry, {
    env: { ...BASE_ENV, ...(probeFile ? { BENCH_PROBE_FILE: probeFile } : {}), ...env },
    execArgv,
    args: options.args,
    keepLines: 60,
  })
  if (probeFile) {
    void spawned.exited.then(() => {
      for (const f of [probeFile, `${probeFile}.gc`, `${probeFile}.tmp`]) rmSync(f, { force: true })
    })
  }
  const service: Service = Object.assign(spawned, {
    name,
    tail: spawned.output,
    steps: new Map(),
    warnings: [],
    messages: new Map(),
    probeFile,
  })
  service.onLine((line) => {
    if (!line.startsWith('{')) return
    let entry: { level?: number; msg?: string; queue?: string; ms?: number; [key: string]: unknown }
    try {
      entry = JSON.parse(line)
    } catch {
      return
    }
    options.onJson?.(entry)
    if (typeof entry.msg === 'string') service.messages.set(entry.msg, (service.messages.get(entry.msg) ?? 0) + 1)
    if (entry.msg === 'step done' && entry.queue && typeof entry.ms === 'number') {
      const stats = service.steps.get(entry.queue) ?? { count: 0, totalMs: 0, maxMs: 0 }
      stats.count++
      stats.totalMs += entry.ms
      stats.maxMs = Math.max(stats.maxMs, entry.ms)
      service.steps.set(entry.queue, stats)
    }
    if ((entry.level ?? 0) >= 40 && service.warnings.length < 200) {
      const err = (entry.err as { message?: string } | undefined)?.message
      service.warnings.push(`${entry.msg ?? ''}${err ? `: ${err.slice(0, 200)}` : ''}`)
    }
  })
  started.push(service)
  return service
}

export type Api = Service & { url: string }

export async function startApi(env: Record<string, string>, options: StartOptions = {}): Promise<Api> {
  return startApiProcess((entry, apiEnv) => startProcess('api', entry, apiEnv, options), env)
}

/** A worker process; it logs at info so the bench sees 'worker ready' and each 'step done'. */
export async function startWorker(env: Record<string, string>, options: StartOptions = {}): Promise<Service> {
  return startWorkerProcess(
    (entry, workerEnv) =>
      startProcess('worker', entry, { WORKER_METRICS_PORT: '0', LOG_LEVEL: 'info', ...workerEnv }, options),
    env,
  )
}

export async function startWorkers(
  count: number,
  env: Record<string, string>,
  options: StartOptions = {},
): Promise<Service[]> {
  return Promise.all(Array.from({ length: count }, () => startWorker(env, options)))
}

/** A worker's settings for the openai provider against the fake OpenAI-compatible server. */
export function onFakeProvider(fake: { baseURL: string }, prefix: string): Record<string, string> {
  return { QUEUE_PREFIX: prefix, GENERATION_PROVIDER: 'openai', OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: 'x' }
}

export async function stopAll(services: Array<Service | undefined>) {
  await Promise.all(services.map((s) => s?.stop()))
}
