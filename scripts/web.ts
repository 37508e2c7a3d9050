// ./dreamify dev | web:build | web:api-schema, and the test script's browser check.
import { spawn } from 'node:child_process'
import { writeApiSchema } from '../apps/web/scripts/api-schema.ts'
import { chromiumOrExit } from './chromium.ts'
import { ensureWebBuild, VITE, WEB_DIR } from './web-build.ts'

const command = process.argv[2]
switch (command) {
  case 'build':
    await ensureWebBuild((line) => console.log(`dreamify: ${line}`))
    break
  case 'check-browser':
    chromiumOrExit()
    break
  case 'dev': {
    // the API's types first (generated, never committed), for the editor and the type checker
    await writeApiSchema()
    // Vite on :5173 with its proxy to the API (start it with ./dreamify start in another terminal).
    console.log('dreamify: the app on http://localhost:5173 (the API must run on :3000: ./dreamify start)')
    const vite = spawn(process.execPath, [VITE], { cwd: WEB_DIR, stdio: 'inherit' })
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => vite.kill(signal))
    vite.on('exit', (code) => process.exit(code ?? 0))
    break
  }
  default:
    console.error('usage: node scripts/web.ts build|check-browser|dev')
    process.exit(2)
}
