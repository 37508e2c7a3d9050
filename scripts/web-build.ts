// The web app's production build (apps/web/dist), made when it is missing or older than its sources.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

export const WEB_DIR = fileURLToPath(new URL('../apps/web', import.meta.url))
export const WEB_DIST = join(WEB_DIR, 'dist')
const STAMP = join(WEB_DIST, '.source-hash')
const LOCK = join(WEB_DIR, '.build-lock')
const SOURCES = ['src', 'index.html', 'vite.config.ts', 'package.json', 'tsconfig.json']
export const VITE = join(WEB_DIR, 'node_modules/vite/bin/vite.js')

/** A hash of everything the build is made from. */
export function sourceHash(): string {
  const hash = createHash('sha256')
  for (const source of SOURCES) {
    const path = join(WEB_DIR, source)
    if (!existsSync(path)) continue
    const files = statSync(path).isDirectory()
      ? readdirSync(path, { withFileTypes: true, recursive: true })
          .filter((entry) => entry.isFile())
          .map((entry) => join(entry.parentPath, entry.name))
          .sort()
      : [path]
    for (const file of files) hash.update(relative(WEB_DIR, file)).update(readFileSync(file))
  }
  return hash.digest('hex')
}

export const isWebBuildCurrent = () =>
  existsSync(join(WEB_DIST, 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === sourceHash()

/** Builds apps/web unless the build is current; one build at a time (test files may ask at once). */
export async function ensureWebBuild(log: (line: string) => void = () => {}): Promise<void> {
  if (isWebBuildCurrent()) return
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(LOCK)
      break
    } catch {
      if (waited > 180_000) rmSync(LOCK, { recursive: true, force: true })
      await sleep(200)
    }
  }
  try {
    if (isWebBuildCurrent()) return
    log('building the web app (apps/web)')
    const hash = sourceHash()
    // Always the production bundle, whatever NODE_ENV the caller runs under (vitest sets 'test').
    const built = spawnSync(process.execPath, [VITE, 'build', '--logLevel', 'warn'], {
      cwd: WEB_DIR,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    })
    if (built.status !== 0) throw new Error('the web app failed to build (see the output above)')
    writeFileSync(STAMP, hash)
  } finally {
    rmSync(LOCK, { recursive: true, force: true })
  }
}

// `node scripts/web-build.ts` (the Docker image's build step): build unless current.
if (process.argv[1] === fileURLToPath(import.meta.url)) await ensureWebBuild((line) => console.log(`dreamify: ${line}`))
