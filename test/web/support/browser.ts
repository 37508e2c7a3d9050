/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser: the DOM types describe them.
import AxeBuilder from '@axe-core/playwright'
import { type Browser, type BrowserContextOptions, chromium, type Locator, type Page } from 'playwright-core'
import { afterAll, expect } from 'vitest'
import { CHROMIUM_ARGS, findChromium, NO_BROWSER_MESSAGE } from '../../../scripts/chromium.ts'

/** The two screens every journey runs on. */
export const VIEWPORTS: Record<'phone' | 'desktop', BrowserContextOptions> = {
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  desktop: { viewport: { width: 1280, height: 800 } },
}

/** Debian's Chromium (or CHROMIUM_PATH): a missing browser fails the test file, it never skips it. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = findChromium()
  if (!executablePath) throw new Error(NO_BROWSER_MESSAGE)
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true })
  afterAll(() => browser.close())
  return browser
}

/** axe-core finds no WCAG 2.1 A or AA violation on the screen as it is now. */
export async function expectAccessible(page: Page, screen: string) {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  const summary = violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
  expect(summary, `axe on ${screen}`).toEqual([])
}

let counter = 0
export const uniqueEmail = (name: string) =>
  `${name.toLowerCase()}-${process.pid}-${Date.now()}-${counter++}@example.com`

/** Registers a parent through the app's own form; the app lands on the children screen. */
export async function registerInApp(page: Page, baseUrl: string, name = 'Alex') {
  const email = uniqueEmail(name)
  await page.goto(`${baseUrl}/register`)
  await page.getByLabel('First name').fill(name)
  await page.getByLabel('Last name').fill('Parent')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill('correct horse battery')
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.getByRole('heading', { level: 1, name: 'Your children' }).waitFor()
  return { email, password: 'correct horse battery' }
}

/** Adds a child through the form (with a story language, by its label, if given) and returns to the cards. */
export async function addChildInApp(page: Page, name: string, storyLanguage?: string) {
  await page.getByRole('link', { name: 'Add a child' }).click()
  await page.getByLabel("Child's name").fill(name)
  await page.getByRole('radiogroup', { name: 'Age' }).getByLabel('4–6 years').check()
  await page.getByLabel('Eye colour').selectOption('Green')
  await page.getByLabel('Heritage').fill('Irish')
  if (storyLanguage) await page.getByLabel('Story language').selectOption({ label: storyLanguage })
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByRole('heading', { level: 1, name: 'Your children' }).waitFor()
}

/** Waits until the image has really loaded (its natural width is known). */
export async function expectImageLoaded(image: Locator) {
  await image.waitFor({ timeout: 30_000 })
  await expect
    .poll(() => image.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)), { timeout: 30_000 })
    .toBeGreaterThan(0)
}

/**
 * Presses `first`, then `second` in the same moment the chapter count reads `shown`, from inside the
 * page: a quick reader's second key must act on the page now shown, not on the one before it.
 */
export async function pressAgainOnceShown(page: Page, first: string, shown: string, second: string) {
  await page.evaluate(
    ({ first, shown, second }) =>
      new Promise<void>((resolve) => {
        const count = document.querySelector('.chapter-count')
        if (!count) throw new Error('no chapter count on the page')
        const press = (key: string) => document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }))
        const observer = new MutationObserver(() => {
          if (!count.textContent?.startsWith(shown)) return
          observer.disconnect()
          press(second)
          resolve()
        })
        observer.observe(count, { characterData: true, childList: true, subtree: true })
        press(first)
      }),
    { first, shown, second },
  )
}
