import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { pingRedis } from '@dreamify/core'
import { isRunning, recordProcess, trackChild } from '@dreamify/testkit'
import { onTestFinished } from 'vitest'
import { freePort, waitFor } from './processes.ts'

const run = promisify(execFile)
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin'

// Each spare is stopped when its test finishes (passed, failed or timed out). Should its file end
// before that (a fork torn down), they die with this process, and the run's teardown finds any
// that still survive from their records (test/support/global-setup.ts).
const killsOnExit = new Set<() => void>()
process.once('exit', () => {
  for (const kill of killsOnExit) kill()
})

/** A Redis server of the test's own, on a spare port, keeping nothing on disk (as in production without AOF). */
export async function startSpareRedis() {
  const port = await freePort()
  const url = `redis://127.0.0.1:${port}`
  let server: ChildProcess | undefined
  const start = async () => {
    server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    )
    // recorded for the run's teardown, and killed with this process
    void trackChild(server)
    await waitFor(`redis on ${port}`, async () => {
      await pingRedis(url)
      return true
    })
  }
  const stop = async () => {
    if (!server || server.exitCode !== null) return
    const exited = new Promise((done) => server!.once('exit', done))
    server.kill('SIGKILL')
    await exited
  }
  onTestFinished(stop)
  await start()
  return {
    url,
    port,
    start,
    stop,
    restart: async () => {
      await stop()
      await start()
    },
  }
}

/**
 * A Postgres cluster of the test's own (initdb on a spare port), so a test can stop and restart
 * it. Postgres refuses to run as root, so it runs as the `postgres` user.
 */
export async function startSparePostgres() {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'dreamify-pg-'))
  chmodSync(dir, 0o755)
  const data = join(dir, 'data')
  const { uid, gid } = await run('id', ['-u', 'postgres']).then(async ({ stdout }) => ({
    uid: Number(stdout),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout),
  }))
  chownSync(dir, uid, gid)
  const asPostgres = (bin: string, args: string[]) =>
    run('runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args], { cwd: dir })
  await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'])
  const pgCtlStart = () =>
    asPostgres('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'log'),
      '-w',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      'start',
    ])
  // pg_ctl leaves the server running in the background: its own pid is in postmaster.pid.
  let postmaster: { pid: number; forget: () => void } | undefined
  const start = async () => {
    await pgCtlStart()
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0])
    const forgetRecord = recordProcess(pid, `a spare Postgres cluster on port ${port} (${dir})`, dir)
    // An immediate shutdown: the server's own processes go with it.
    const kill = () => {
      try {
        process.kill(pid, 'SIGQUIT')
      } catch {
        // already gone
      }
    }
    killsOnExit.add(kill)
    const forget = () => {
      forgetRecord()
      killsOnExit.delete(kill)
    }
    postmaster = { pid, forget }
  }
  const stop = async () => {
    await asPostgres('pg_ctl', ['-D', data, '-w', '-m', 'fast', 'stop']).catch(() => undefined)
    // Forgotten only once gone, so a stop that did not work is still found at the end of the run.
    if (postmaster && !isRunning({ pid: postmaster.pid, startTime: undefined })) {
      postmaster.forget()
      postmaster = undefined
    }
  }
  // Registered before the start, so a start that fails half-way is cleaned up too.
  onTestFinished(async () => {
    await stop()
    if (!postmaster) rmSync(dir, { recursive: true, force: true })
  })
  await start()
  return { url: `postgres://postgres@127.0.0.1:${port}/dreamify`, port, start, stop }
}
