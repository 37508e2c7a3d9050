import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { pingRedis } from '@dreamify/core'
import { onTestFinished } from 'vitest'
import { freePort, waitFor } from './processes.ts'

const run = promisify(execFile)
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin'

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
  await start()
  onTestFinished(stop)
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
  const start = () =>
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
  const stop = () => asPostgres('pg_ctl', ['-D', data, '-w', '-m', 'fast', 'stop']).catch(() => undefined)
  await start()
  onTestFinished(async () => {
    await stop()
    rmSync(dir, { recursive: true, force: true })
  })
  return { url: `postgres://postgres@127.0.0.1:${port}/dreamify`, port, start, stop }
}
