import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  closePidRegistry,
  findLeftovers,
  isRunning,
  PID_REGISTRY_ENV,
  type ProcessRecord,
  recordProcess,
} from '@dreamify/testkit'
import { describe, expect, it, onTestFinished } from 'vitest'
import { startSpareRedis } from './support/spare-services.ts'

// The suite's promise that it leaves nothing running: what a test starts is stopped when the test
// ends, however it ends, and the run's teardown (global-setup.ts) fails on any survivor.

const recordsInRunRegistry = () => readdirSync(process.env[PID_REGISTRY_ENV]!).filter((f) => f.endsWith('.json'))

describe('a spare Redis', () => {
  let passed: { pid: number; url: string } | undefined
  let failed: { pid: number } | undefined
  it('is recorded in the run registry while it runs', async () => {
    expect(process.env[PID_REGISTRY_ENV], 'the test files inherit the run registry').toBeTruthy()
    const before = new Set(recordsInRunRegistry())
    const redis = await startSpareRedis()
    const added = recordsInRunRegistry().filter((f) => !before.has(f))
    expect(added).toHaveLength(1)
    const pid = Number(added[0]!.replace('.json', ''))
    expect(isRunning({ pid, startTime: undefined })).toBe(true)
    passed = { pid, url: redis.url }
  })

  it('is stopped and forgotten once that test has finished', () => {
    expect(passed).toBeDefined()
    expect(isRunning({ pid: passed!.pid, startTime: undefined })).toBe(false)
    expect(recordsInRunRegistry()).not.toContain(`${passed!.pid}.json`)
  })

  it.fails('is stopped even when its test fails', async () => {
    const before = new Set(recordsInRunRegistry())
    await startSpareRedis()
    const added = recordsInRunRegistry().filter((f) => !before.has(f))
    failed = { pid: Number(added[0]!.replace('.json', '')) }
    throw new Error('this test fails on purpose, after starting a spare Redis')
  })

  it('so the failed test left nothing running either', () => {
    expect(failed).toBeDefined()
    expect(isRunning({ pid: failed!.pid, startTime: undefined })).toBe(false)
    expect(recordsInRunRegistry()).not.toContain(`${failed!.pid}.json`)
  })
})

describe('the run registry', () => {
  /** A registry of the test's own, so the run's registry never sees these processes. */
  function ownRegistry() {
    const dir = mkdtempSync(join(tmpdir(), 'dreamify-pids-test-'))
    const runRegistry = process.env[PID_REGISTRY_ENV]
    process.env[PID_REGISTRY_ENV] = dir
    onTestFinished(() => {
      process.env[PID_REGISTRY_ENV] = runRegistry
      rmSync(dir, { recursive: true, force: true })
    })
    return dir
  }

  function sleeper() {
    const child = spawn('sleep', ['600'], { stdio: 'ignore' })
    onTestFinished(() => void child.kill('SIGKILL'))
    return child
  }

  it('fails the run listing what is still running, kills it, and removes its folder', async () => {
    const dir = ownRegistry()
    const child = sleeper()
    const cleanup = mkdtempSync(join(tmpdir(), 'dreamify-pids-cleanup-'))
    recordProcess(child.pid, 'a sleeper left behind', cleanup)
    const exited = new Promise((done) => child.once('exit', done))

    await expect(closePidRegistry(dir)).rejects.toThrow(
      new RegExp(
        `1 process\\(es\\) the tests started were still running.*\\n  pid ${child.pid}: a sleeper left behind`,
        's',
      ),
    )
    await exited
    expect(child.signalCode).toBe('SIGKILL')
    expect(existsSync(cleanup)).toBe(false)
    expect(existsSync(dir)).toBe(false)
  })

  it('passes when every recorded process has exited, and removes the folders of the unfinished stops', async () => {
    const dir = ownRegistry()
    const child = sleeper()
    const cleanup = mkdtempSync(join(tmpdir(), 'dreamify-pids-cleanup-'))
    recordProcess(child.pid, 'a sleeper killed without being forgotten', cleanup)
    const forgotten = sleeper()
    const forget = recordProcess(forgotten.pid, 'a sleeper stopped the proper way')
    await new Promise((done) => {
      child.once('exit', done)
      child.kill('SIGKILL')
    })
    forget()

    expect(findLeftovers(dir)).toEqual([])
    await expect(closePidRegistry(dir)).resolves.toBeUndefined()
    expect(existsSync(cleanup)).toBe(false)
  })

  it('never takes a later process under a reused pid for the recorded one', async () => {
    const dir = ownRegistry()
    mkdirSync(dir, { recursive: true })
    // This very process, recorded with a start time that is not its own: as if its pid had been reused.
    const stale: ProcessRecord = { pid: process.pid, what: 'an old process', startTime: '1' }
    expect(isRunning(stale)).toBe(false)
    const forget = recordProcess(process.pid, 'this test process')
    expect(findLeftovers(dir).map((l) => l.pid)).toEqual([process.pid])
    forget() // never to be killed by a close
  })

  it('records nothing outside a run registry', () => {
    const runRegistry = process.env[PID_REGISTRY_ENV]
    delete process.env[PID_REGISTRY_ENV]
    onTestFinished(() => {
      process.env[PID_REGISTRY_ENV] = runRegistry
    })
    const forget = recordProcess(process.pid, 'not recorded')
    expect(() => forget()).not.toThrow()
    expect(recordsInRunRegistryOr(runRegistry)).not.toContain(`${process.pid}.json`)
  })
})

function recordsInRunRegistryOr(dir: string | undefined) {
  return dir ? readdirSync(dir) : []
}
