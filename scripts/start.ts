// ./dreamify start: create and migrate the database, then run the API and one worker in the foreground.
import { type ChildProcess, spawn } from 'node:child_process'
import { loadConfigOrExit, RUNTIME_ENV } from '@dreamify/core'
import { checkServices, ensureDatabase, migrateDatabase } from '@dreamify/db'
import { ensureWebBuild } from './web-build.ts'

const config = loadConfigOrExit()

try {
  await checkServices({ postgres: config.database.url, redis: config.redis.url })
} catch (error) {
  console.error((error as Error).message)
  process.exit(1)
}
await ensureDatabase(config.database.url)

for (const step of await migrateDatabase(config.database.url)) console.log(`dreamify: ${step}`)
// The parents' app at / (built again only when its sources changed since the last build).
await ensureWebBuild((line) => console.log(`dreamify: ${line}`))
console.log(
  `dreamify: the app on http://localhost:${config.http.port}/, the API's docs at /docs, generation provider: ${config.generation.provider}`,
)

// As deployed (RUNTIME_ENV), unless the caller's environment says otherwise.
const runtimeEnv = { ...RUNTIME_ENV, ...process.env }
const children: ChildProcess[] = [
  spawn(process.execPath, ['apps/api/src/server.ts'], { stdio: 'inherit', env: runtimeEnv }),
  spawn(process.execPath, ['apps/worker/src/main.ts'], { stdio: 'inherit', env: runtimeEnv }),
]

let stopping = false
function stop(signal: NodeJS.Signals) {
  if (stopping) return
  stopping = true
  for (const child of children) if (child.exitCode === null) child.kill(signal)
}
process.on('SIGINT', () => stop('SIGINT'))
process.on('SIGTERM', () => stop('SIGTERM'))

let exitCode = 0
await Promise.all(
  children.map(
    (child) =>
      new Promise<void>((resolve) =>
        child.on('exit', (code) => {
          // One process ending takes the other down too: a half-running stack helps no one.
          if (code) exitCode = code
          stop('SIGTERM')
          resolve()
        }),
      ),
  ),
)
process.exit(exitCode)
