/// <reference lib="dom" />
// ./dreamify screenshots: every screen of the web app on a phone and a desktop, written to
// docs/screenshots/<screen>-<viewport>.png. It runs its own API and worker (fixtures provider) on a
// scratch database, so what it shows is the app as a parent sees it, with made-up data.
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { dropDatabase, migrateDatabase } from '@dreamify/db'
import {
  deleteKeysAt,
  killRunningChildren,
  repoRoot,
  startApiProcess,
  startNodeProcess,
  startWorkerProcess,
} from '@dreamify/testkit'
import { type BrowserContextOptions, chromium, type Page } from 'playwright-core'
import { CHROMIUM_ARGS, chromiumOrExit } from './chromium.ts'
import { ensureWebBuild } from './web-build.ts'

const OUT = join(repoRoot, 'docs/screenshots')
const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/dreamify_screenshots'
const REDIS_URL = 'redis://127.0.0.1:6379/0'
const VIEWPORTS: Record<string, BrowserContextOptions> = {
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  desktop: { viewport: { width: 1280, height: 860 } },
}

const executablePath = chromiumOrExit()
await ensureWebBuild((line) => console.log(`dreamify: ${line}`))
await dropDatabase(DATABASE_URL)
await migrateDatabase(DATABASE_URL)
mkdirSync(OUT, { recursive: true })

const QUEUE_PREFIX = `dreamify-screenshots-${randomBytes(4).toString('hex')}`
const env = {
  DATABASE_URL,
  REDIS_URL,
  QUEUE_PREFIX,
  JWT_SECRET: 'screenshots-only-secret-that-is-long-enough',
  GENERATION_PROVIDER: 'fixtures',
  // The fixtures provider picks its story by the hero's name and the topic. With the real name, not
  // a stand-in drawn per story, every run shoots the same story, so the pictures change only when
  // the app does. Nothing leaves the machine.
  PROVIDER_SEES_CHILD_NAME: 'true',
  FIXTURES_TEXT_MS: '6000',
  FIXTURES_IMAGE_MS: '800',
  LOG_LEVEL: 'warn',
  REGISTRATIONS_PER_HOUR_PER_IP: '0',
  LOGIN_ATTEMPTS_PER_15_MIN: '0',
}
const start = (entry: string, extra: Record<string, string>) =>
  startNodeProcess(entry, { env: { ...process.env, ...env, ...extra } as Record<string, string> })
const api = await startApiProcess(start, {})
await startWorkerProcess(start, { LOG_LEVEL: 'info' })
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true })

async function shoot(page: Page, screen: string, viewport: string) {
  // Let the pictures finish fading in.
  await page.waitForTimeout(700)
  await page.screenshot({ path: join(OUT, `${screen}-${viewport}.png`), fullPage: viewport === 'desktop' })
  console.log(`dreamify: docs/screenshots/${screen}-${viewport}.png`)
}

try {
  for (const [viewport, options] of Object.entries(VIEWPORTS)) {
    const page = await (await browser.newContext({ ...options, colorScheme: 'light' })).newPage()
    page.setDefaultTimeout(60_000)
    await page.goto(`${api.url}/sign-in`)
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
    await shoot(page, 'sign-in', viewport)
    await page.goto(`${api.url}/register`)
    await page.getByLabel('First name').fill('Alex')
    await page.getByLabel('Last name').fill('Morgan')
    await page.getByLabel('Email').fill(`alex.morgan+${viewport}@example.com`)
    await page.getByLabel('Password').fill('correct horse battery')
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.getByRole('heading', { level: 1, name: 'Your children' }).waitFor()

    await page.getByRole('link', { name: 'Add a child' }).click()
    await page.getByLabel("Child's name").fill('Mia')
    await page.getByRole('radiogroup', { name: 'Age' }).getByLabel('4–6 years').check()
    await page.getByRole('radiogroup', { name: 'Boy or girl' }).getByLabel('Girl').check()
    await page.getByLabel('Heritage').fill('Irish')
    await page.getByLabel('Favourite animals').fill('otters and owls')
    await shoot(page, 'add-child', viewport)
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('img', { name: 'Mia' }).waitFor()
    await shoot(page, 'children', viewport)

    await page.getByRole('link', { name: 'New story for Mia' }).click()
    await page.getByLabel('Topic').fill('a lost red balloon')
    await page.getByRole('radiogroup', { name: 'Kind of story' }).getByLabel('Adventure').check()
    await page.getByRole('radiogroup', { name: 'Illustration style' }).getByLabel('Watercolor').check()
    await shoot(page, 'new-story', viewport)
    await page.getByRole('button', { name: 'Make the story' }).click()
    await page.getByRole('list', { name: 'Chapters written so far' }).getByRole('listitem').nth(1).waitFor()
    await shoot(page, 'making-the-story', viewport)
    await page.locator('[role=progressbar][aria-valuenow="100"]').waitFor()

    await page.getByRole('link', { name: 'Start reading' }).click()
    await page.getByRole('img', { name: /^Illustration for/ }).waitFor()
    await page.waitForFunction(() => [...document.images].every((img) => img.complete && img.naturalWidth > 0))
    await shoot(page, 'reader', viewport)
    await page.getByRole('button', { name: 'Night mode' }).click()
    await shoot(page, 'reader-night', viewport)
    await page.getByRole('button', { name: 'Report this story' }).click()
    await page.getByLabel('Too frightening').check()
    await page.getByRole('button', { name: 'Send report' }).scrollIntoViewIfNeeded()
    await shoot(page, 'report-story', viewport)

    await page.getByRole('link', { name: 'Library' }).click()
    await page.getByRole('heading', { level: 1, name: 'Library' }).waitFor()
    await page.getByText(/^Ready ·/).waitFor()
    await shoot(page, 'library', viewport)
    await page.getByRole('link', { name: 'Account' }).click()
    await page.getByRole('heading', { level: 1, name: 'Account' }).waitFor()
    await shoot(page, 'account', viewport)
  }
} finally {
  await browser.close()
  await killRunningChildren('SIGTERM')
  await dropDatabase(DATABASE_URL).catch(() => undefined)
  // The run's queues and event streams go with its database.
  await deleteKeysAt(REDIS_URL, QUEUE_PREFIX)
}
process.exit(0)
