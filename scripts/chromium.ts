// The browser of the web tests, screenshots and bench: Debian's Chromium, never a download.
import { existsSync } from 'node:fs'

export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser']

/** Quiet, offline and fit for a small shared machine (the proxy goes nowhere: only loopback is reached). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-gpu',
  '--proxy-server=127.0.0.1:9',
]

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const given = env.CHROMIUM_PATH
  if (given) return existsSync(given) ? given : undefined
  return CHROMIUM_CANDIDATES.find((path) => existsSync(path))
}

export const NO_BROWSER_MESSAGE =
  'dreamify: no Chromium found for the browser tests (looked at CHROMIUM_PATH, then /usr/bin/chromium).\n' +
  "Install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium binary."

export function chromiumOrExit(): string {
  const path = findChromium()
  if (!path) {
    console.error(NO_BROWSER_MESSAGE)
    process.exit(1)
  }
  return path
}
