import { type ChildProcess, spawn } from 'node:child_process'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { freePort } from './free-port.ts'
import { recordProcess } from './pid-registry.ts'
import { waitFor } from './wait-for.ts'

/** The repository root (packages/testkit/src → ../../..): our processes run from there. */
export const repoRoot: string = fileURLToPath(new URL('../../../', import.meta.url)).replace(/[\\/]$/, '')

export const API_ENTRY = 'apps/api/src/server.ts'
export const WORKER_ENTRY = 'apps/worker/src/main.ts'

const running = new Set<ChildProcess>()
let killingOnExit = false

/**
 * Remembers a child process until it exits; resolves with its exit code. Children die with this
 * process even when it ends early (a test file timing out before its afterAll, an interrupted
 * bench), so none is left holding connections to Postgres. In a test run each is also recorded in
 * the run's registry, whose teardown fails the run if one is still alive.
 */
export function trackChild(child: ChildProcess): Promise<number | null> {
  if (!killingOnExit) {
    killingOnExit = true
    process.once('exit', () => {
      for (const each of running) each.kill('SIGKILL')
    })
  }
  running.add(child)
  const forget = recordProcess(child.pid, child.spawnargs.join(' ').slice(0, 200))
  return new Promise((done) =>
    child.once('exit', (code) => {
      running.delete(child)
      forget()
      done(code)
    }),
  )
}

/** The child processes started here that have not exited yet. */
export function runningChildren(): ChildProcess[] {
  return [...running]
}

/** Kills every child started here that is still running, and waits until they have exited. */
export async function killRunningChildren(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done()
          child.once('exit', () => done())
          child.kill(signal)
        }),
    ),
  )
}

export interface NodeProcess {
  readonly process: ChildProcess
  readonly pid: number
  /** resolves with the exit code (null when a signal ended it) */
  readonly exited: Promise<number | null>
  hasExited(): boolean
  /** what it printed on stdout and stderr, by line (only the last lines with `keepLines`) */
  output(): string
  /** calls `listener` with every line it prints from now on */
  onLine(listener: (line: string) => void): void
  /** sends `signal`, then SIGKILL when it is still running after `timeoutMs` */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>
}

export interface NodeProcessOptions {
  /** the whole environment: nothing is inherited but PATH */
  env: Record<string, string>
  execArgv?: string[]
  /** arguments after the entry */
  args?: string[]
  /** keep only the last this many lines of output, each cut to 2,000 characters (a long run prints too much to keep) */
  keepLines?: number
}

const MAX_KEPT_LINE = 2000

/** Runs `node <entry>` (a path from the repository root) with only the environment given. */
export function startNodeProcess(
  entry: string,
  { env, execArgv = [], args = [], keepLines }: NodeProcessOptions,
): NodeProcess {
  const child = spawn(process.execPath, [...execArgv, entry, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = trackChild(child)
  const hasExited = () => child.exitCode !== null || child.signalCode !== null
  const lines: string[] = []
  const listeners: Array<(line: string) => void> = []
  const take = (line: string) => {
    if (keepLines === undefined) lines.push(line)
    else {
      lines.push(line.length > MAX_KEPT_LINE ? `${line.slice(0, MAX_KEPT_LINE)}…` : line)
      if (lines.length > keepLines) lines.shift()
    }
    for (const listener of listeners) listener(line)
  }
  forEachLine(child.stdout!, take)
  forEachLine(child.stderr!, take)
  return {
    process: child,
    pid: child.pid ?? -1,
    exited,
    hasExited,
    output: () => lines.join('\n'),
    onLine: (listener) => void listeners.push(listener),
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (hasExited()) return exited
      child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
      try {
        return await exited
      } finally {
        clearTimeout(timer)
      }
    },
  }
}

function forEachLine(stream: Readable, take: (line: string) => void) {
  stream.setEncoding('utf8')
  let buffered = ''
  stream.on('data', (chunk: string) => {
    buffered += chunk
    for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
      take(buffered.slice(0, newline))
      buffered = buffered.slice(newline + 1)
    }
  })
  // A process that dies mid-line (a crash) still shows what it had printed.
  stream.on('end', () => buffered && take(buffered))
}

/** How a caller starts one of our processes: its own environment and bookkeeping over startNodeProcess. */
export type StartProcess<P extends NodeProcess> = (entry: string, env: Record<string, string>) => P

/** Waits until `ready` holds; a timeout's message ends with what the process printed. */
async function waitUntilReady(what: string, service: NodeProcess, ready: () => Promise<boolean> | boolean) {
  await waitFor(what, () => {
    if (service.hasExited()) throw new Error(`it exited (${service.process.exitCode ?? service.process.signalCode})`)
    return ready()
  }).catch((error: Error) => {
    throw new Error(`${error.message}\n${service.output()}`)
  })
}

/** The API on a free loopback port, once it answers /health/live. */
export async function startApiProcess<P extends NodeProcess>(
  start: StartProcess<P>,
  env: Record<string, string>,
): Promise<P & { url: string }> {
  const port = await freePort()
  const service = start(API_ENTRY, { PORT: String(port), HOST: '127.0.0.1', ...env })
  const url = `http://127.0.0.1:${port}`
  await waitUntilReady(`the API on ${url}`, service, async () => (await fetch(`${url}/health/live`)).ok)
  return Object.assign(service, { url })
}

/** A worker, once it logs that it is ready (it must log at info or below). */
export async function startWorkerProcess<P extends NodeProcess>(
  start: StartProcess<P>,
  env: Record<string, string>,
): Promise<P> {
  const service = start(WORKER_ENTRY, env)
  let ready = false
  service.onLine((line) => {
    if (line.includes('"msg":"worker ready"')) ready = true
  })
  await waitUntilReady('the worker to be ready', service, () => ready)
  return service
}
