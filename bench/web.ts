/// <reference lib="dom" />
// 8. web: the parents' app as a first-time visitor gets it from the local API, in Debian's Chromium:
// the gzipped JavaScript of the first load, and the time until the sign-in form can be used.
import { gzipSync } from 'node:zlib'
import { chromium } from 'playwright-core'
import { CHROMIUM_ARGS, findChromium, NO_BROWSER_MESSAGE } from '../scripts/chromium.ts'
import { ensureWebBuild } from '../scripts/web-build.ts'
import type { Outcome } from './report.ts'
import { type BenchContext, percentile, round, startApi } from './support/index.ts'

const LOADS = 7
const JS_BUDGET_KB = 150

export async function web({ prefix, log }: BenchContext): Promise<Outcome> {
  const executablePath = findChromium()
  if (!executablePath) throw new Error(NO_BROWSER_MESSAGE)
  await ensureWebBuild(log)
  const api = await startApi({ QUEUE_PREFIX: prefix })
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true })
  const interactive: number[] = []
  let jsBytes = 0
  let jsGzipBytes = 0
  let scripts = 0
  try {
    for (let i = 0; i < LOADS; i++) {
      // A new context each time: an empty cache, as on a first visit.
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })
      const page = await context.newPage()
      const bodies: Promise<Buffer>[] = []
      page.on('response', (response) => {
        if (response.request().resourceType() === 'script') bodies.push(response.body())
      })
      const started = performance.now()
      await page.goto(`${api.url}/sign-in`)
      // Interactive: the form is drawn and its button can be pressed (React has hydrated the page).
      await page.getByRole('button', { name: 'Sign in' }).waitFor()
      interactive.push(performance.now() - started)
      if (i === 0) {
        const loaded = await Promise.all(bodies)
        scripts = loaded.length
        jsBytes = loaded.reduce((sum, body) => sum + body.length, 0)
        jsGzipBytes = loaded.reduce((sum, body) => sum + gzipSync(body, { level: 9 }).length, 0)
      }
      await context.close()
    }
  } finally {
    await browser.close()
    api.process.kill('SIGTERM')
  }
  const gzipKb = jsGzipBytes / 1024
  log(`first load: ${scripts} scripts, ${round(jsBytes / 1024)} kB, ${round(gzipKb)} kB gzipped`)
  return {
    setup: `The built app (apps/web/dist) served by one API process; ${LOADS} cold loads of /sign-in in headless Chromium on a phone-sized viewport, each in a fresh browser context (empty cache). Time to interactive is from navigation until the "Sign in" button is on the screen, measured from the bench process.`,
    figures: [
      {
        label: 'first-load JavaScript, gzipped',
        value: round(gzipKb),
        unit: 'kB',
        target: `≤ ${JS_BUDGET_KB} kB`,
        pass: gzipKb <= JS_BUDGET_KB,
      },
      { label: 'first-load JavaScript, uncompressed', value: round(jsBytes / 1024), unit: 'kB' },
      { label: 'time to interactive, median', value: round(percentile(interactive, 50), 0), unit: 'ms' },
      { label: 'time to interactive, slowest', value: round(Math.max(...interactive), 0), unit: 'ms' },
    ],
    notes: [`${scripts} script files on the first load; the other screens are loaded when first visited.`],
  }
}
