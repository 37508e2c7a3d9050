import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// A run's record of the processes it started: one file per process in a folder named by an
// environment variable, so the test files' worker processes (which inherit it) record into the
// folder the run's global setup made, and its teardown can tell whether any is still alive. A
// file stays until its process is seen to exit; a process that outlives its test file (a fork
// ended early, a stop that did not happen) is found from its file at the end of the run.

/** The variable naming the run's registry folder; without it nothing is recorded (the bench, a developer). */
export const PID_REGISTRY_ENV = 'DREAMIFY_PID_REGISTRY'

export interface ProcessRecord {
  pid: number
  /** what it is, for the message that lists leftovers */
  what: string
  /** the kernel's start time of the process, so a pid the system has since reused is not taken for it */
  startTime: string | undefined
  /** a folder of its own to remove once it is gone (a spare Postgres cluster's data) */
  cleanup?: string
}

/** Makes a registry folder for this run and points this process and the ones it starts at it. */
export function openPidRegistry(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dreamify-pids-'))
  process.env[PID_REGISTRY_ENV] = dir
  return dir
}

/** The start time the kernel reports for a process (field 22 of /proc/<pid>/stat); undefined off Linux or when gone. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')
  } catch {
    return false
  }
}

/** Whether the recorded process is still running (the same process, not a later one under its pid). */
export function isRunning(record: Pick<ProcessRecord, 'pid' | 'startTime'>): boolean {
  try {
    process.kill(record.pid, 0)
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  if (isZombie(record.pid)) return false
  return record.startTime === undefined || startTimeOf(record.pid) === record.startTime
}

/**
 * Records a process this run started (a no-op outside a registry). Returns the function that
 * forgets it, to be called once it has exited.
 */
export function recordProcess(pid: number | undefined, what: string, cleanup?: string): () => void {
  const dir = process.env[PID_REGISTRY_ENV]
  if (!dir || pid === undefined) return () => {}
  const record: ProcessRecord = { pid, what, startTime: startTimeOf(pid), ...(cleanup ? { cleanup } : {}) }
  const file = join(dir, `${pid}.json`)
  mkdirSync(dir, { recursive: true })
  writeFileSync(file, JSON.stringify(record))
  return () => rmSync(file, { force: true })
}

function readRecords(dir: string): ProcessRecord[] {
  let files: string[]
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'))
  } catch {
    return []
  }
  return files.flatMap((f) => {
    try {
      return [JSON.parse(readFileSync(join(dir, f), 'utf8')) as ProcessRecord]
    } catch {
      return [] // a record being written as we read it: its process is still being set up by a live file
    }
  })
}

/** The recorded processes that are still running. */
export function findLeftovers(dir: string): ProcessRecord[] {
  return readRecords(dir).filter(isRunning)
}

/** Kills each leftover, waiting up to `timeoutMs` for them to go. */
export async function killLeftovers(leftovers: readonly ProcessRecord[], timeoutMs = 5000): Promise<void> {
  for (const leftover of leftovers) {
    try {
      process.kill(leftover.pid, 'SIGKILL')
    } catch {
      // gone meanwhile
    }
  }
  const deadline = Date.now() + timeoutMs
  while (leftovers.some(isRunning) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
}

/**
 * Ends a run's registry: kills what is still running, removes the folders of every process whose
 * stop did not finish, and throws an error listing each leftover, so a run that leaves a process
 * behind fails even though it cleaned up after it.
 */
export async function closePidRegistry(dir: string): Promise<void> {
  const leftovers = findLeftovers(dir)
  await killLeftovers(leftovers)
  for (const { cleanup } of readRecords(dir)) if (cleanup) rmSync(cleanup, { recursive: true, force: true })
  rmSync(dir, { recursive: true, force: true })
  if (leftovers.length > 0) {
    const list = leftovers.map((l) => `  pid ${l.pid}: ${l.what}`).join('\n')
    throw new Error(
      `${leftovers.length} process(es) the tests started were still running at the end (now killed):\n${list}`,
    )
  }
}
