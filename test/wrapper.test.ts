import { type ChildProcess, spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { trackChild, waitFor } from '@dreamify/testkit'
import { describe, expect, it, onTestFinished } from 'vitest'

// The ./dreamify wrapper sets up one at a time: two started at once in a fresh clone had unpacked
// Node into the same folder. Each test runs the real wrapper in a project of its own, with this
// run's Node and pnpm linked into its .tools (nothing is fetched), and a script that prints.

const ROOT = resolve(import.meta.dirname, '..')

interface Run {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  exited: Promise<number | null>
}

/** A project with the wrapper, a `hello` script, and the tools it would otherwise fetch. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dreamify-wrapper-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  copyFileSync(join(ROOT, 'dreamify'), join(dir, 'dreamify'))
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'wrapper-test', private: true, scripts: { hello: 'node -e "console.log(42)"' } }),
  )
  mkdirSync(join(dir, '.tools'))
  // The wrapper's own Node when this run has one (a machine with a recent Node uses that instead).
  const nodeDir = dirname(dirname(process.execPath))
  if (basename(nodeDir) === 'node' && basename(dirname(nodeDir)) === '.tools')
    symlinkSync(nodeDir, join(dir, '.tools/node'))
  symlinkSync(join(ROOT, '.tools/pnpm'), join(dir, '.tools/pnpm'))
  return dir
}

function runWrapper(dir: string, ...args: string[]): Run {
  const child = spawn(join(dir, 'dreamify'), args, {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = trackChild(child)
  onTestFinished(() => {
    child.kill('SIGKILL') // nothing when it has exited
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  return { child, stdout: () => stdout, stderr: () => stderr, exited }
}

/** A process that stands for another wrapper in the middle of its setup, until it is stopped. */
function holder(): ChildProcess & { exited: Promise<number | null> } {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' })
  const exited = trackChild(child)
  onTestFinished(() => {
    child.kill('SIGKILL')
  })
  return Object.assign(child, { exited })
}

function holdLock(dir: string, pid: number) {
  mkdirSync(join(dir, '.tools/.setup-lock'))
  writeFileSync(join(dir, '.tools/.setup-lock/pid'), String(pid))
}

describe('./dreamify setup lock', () => {
  it('sets up and runs the script, and leaves no lock behind', async () => {
    const dir = project()
    const run = runWrapper(dir, 'hello')
    expect(await run.exited, run.stderr()).toBe(0)
    expect(run.stdout().trim()).toBe('42')
    expect(existsSync(join(dir, 'node_modules/.dreamify-install')), 'the install is stamped').toBe(true)
    expect(existsSync(join(dir, '.tools/.setup-lock'))).toBe(false)
    // The stamp was taken after the install wrote the lockfile: the next run does not install again.
    const again = runWrapper(dir, 'hello')
    expect(await again.exited, again.stderr()).toBe(0)
    expect(again.stderr()).not.toContain('installing dependencies')
  })

  it('waits while another wrapper holds the lock, and goes on once it has let go', async () => {
    const dir = project()
    const other = holder()
    holdLock(dir, other.pid!)
    const run = runWrapper(dir, 'hello')
    await waitFor('the wrapper to say it waits', () => run.stderr().includes('waiting for another ./dreamify'), {
      timeoutMs: 10_000,
    })
    // Still waiting: the script has not run while the lock is held.
    expect(run.child.exitCode).toBeNull()
    expect(run.stdout()).toBe('')
    rmSync(join(dir, '.tools/.setup-lock'), { recursive: true })
    expect(await run.exited, run.stderr()).toBe(0)
    expect(run.stdout().trim()).toBe('42')
    expect(other.exitCode, 'the holder was never touched').toBeNull()
  })

  it('takes over a lock whose holder died', async () => {
    const dir = project()
    const other = holder()
    other.kill('SIGKILL')
    await other.exited
    holdLock(dir, other.pid!)
    const run = runWrapper(dir, 'hello')
    expect(await run.exited, run.stderr()).toBe(0)
    expect(run.stdout().trim()).toBe('42')
    expect(existsSync(join(dir, '.tools/.setup-lock'))).toBe(false)
  })

  it('lets go of the lock when its setup fails', async () => {
    const dir = project()
    writeFileSync(join(dir, 'package.json'), '{ not json')
    const run = runWrapper(dir, 'hello')
    expect(await run.exited).not.toBe(0)
    expect(existsSync(join(dir, '.tools/.setup-lock')), 'a failed setup leaves no lock to wait on').toBe(false)
  })
})
