// Load generation in a separate process (bench/autocannon-runner.ts)
import { spawn } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runningChildren, trackChild } from '@dreamify/testkit'
import type { LoadResult, RunnerOptions } from '../autocannon-runner.ts'
import { ROOT } from './constants.ts'
import { nextSerial } from './processes.ts'

export type { LoadResult, RunnerOptions } from '../autocannon-runner.ts'

export async function load(options: RunnerOptions): Promise<LoadResult> {
  // Options go through a file: thousands of variants do not fit in argv.
  const optionsFile = join(tmpdir(), `dreamify-bench-load-${process.pid}-${nextSerial()}.json`)
  writeFileSync(optionsFile, JSON.stringify(options))
  const child = spawn(process.execPath, [join(ROOT, 'bench/autocannon-runner.ts'), `@${optionsFile}`], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = trackChild(child)
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), (options.duration + 60) * 1000)
  const code = await exited
  clearTimeout(timer)
  rmSync(optionsFile, { force: true })
  if (code !== 0) throw new Error(`load generator exited with ${code}: ${stderr.slice(-2000)}`)
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult
}

/** Stops every process the bench started that is still running: SIGTERM, then SIGKILL after a while. */
export async function stopLive(timeoutMs = 15_000) {
  const running = runningChildren().filter((c) => c.exitCode === null && c.signalCode === null)
  await Promise.all(
    running.map(
      (child) =>
        new Promise<void>((done) => {
          const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
          child.once('exit', () => {
            clearTimeout(timer)
            done()
          })
          child.kill('SIGTERM')
        }),
    ),
  )
}
