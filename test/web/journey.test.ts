/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser: the DOM types describe them.
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import {
  addChildInApp,
  expectAccessible,
  expectImageLoaded,
  pressAgainOnceShown,
  registerInApp,
  VIEWPORTS,
} from './support/browser.ts'
import { useStack } from './support/stack.ts'

// The parent's main journey, in a real Chromium against the real API and worker processes, on a
// phone and on a desktop: each step leaves the screen the next one starts from.
vi.setConfig({ testTimeout: 120_000 })
const stack = useStack()

/** Every value the progress bar shows, recorded in the page as it changes. */
async function recordProgress(page: Page) {
  await page.getByRole('progressbar', { name: 'Story progress' }).waitFor()
  await page.evaluate(() => {
    const seen: number[] = []
    const w = window as unknown as { seenPercents: number[] }
    w.seenPercents = seen
    const read = () => {
      const value = Number(document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow'))
      if (!Number.isNaN(value) && seen.at(-1) !== value) seen.push(value)
    }
    read()
    new MutationObserver(read).observe(document.body, { attributes: true, subtree: true, childList: true })
  })
  return () => page.evaluate(() => (window as unknown as { seenPercents: number[] }).seenPercents)
}

describe.each(
  Object.entries(VIEWPORTS).filter(([name]) => !process.env.WEB_VIEWPORT || name === process.env.WEB_VIEWPORT),
)('the main journey on a %s', (_name, viewport) => {
  let page: Page
  let storyTitle: string

  beforeAll(async () => {
    page = await (await stack.browser.newContext(viewport)).newPage()
    page.setDefaultTimeout(30_000)
  })

  it('sends a stranger to sign in, then registers', async () => {
    await page.goto(`${stack.baseUrl}/library`)
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor()
    expect(new URL(page.url()).pathname).toBe('/sign-in')
    await expectAccessible(page, 'sign in')
    await page.getByRole('link', { name: 'Create account' }).click()
    await page.getByRole('heading', { level: 1, name: 'Create account' }).waitFor()
    await expectAccessible(page, 'create account')
    await registerInApp(page, stack.baseUrl, 'Alex')
    // Every entry of the navigation on one row, on a phone too.
    const entries = page.getByRole('navigation', { name: 'Main' }).locator('a, button')
    expect(await entries.count()).toBe(5)
    const tops = await entries.evaluateAll((elements) => elements.map((e) => e.getBoundingClientRect().top))
    expect(new Set(tops).size, `the entries' tops: ${tops.join(', ')}`).toBe(1)
    // The access token lives in memory only.
    expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0)
    await expectAccessible(page, 'children (empty)')
  })

  it('adds a child, who shows "Drawing…" and then the avatar, named by its alt text', async () => {
    await page.getByRole('link', { name: 'Add a child' }).click()
    await page.getByLabel("Child's name").waitFor()
    await expectAccessible(page, 'add a child')
    await page.goBack()
    await addChildInApp(page, 'Mia')
    await page.getByRole('status').filter({ hasText: 'Drawing…' }).waitFor()
    await expectImageLoaded(page.getByRole('img', { name: 'Mia' }))
    await expectAccessible(page, 'children')
  })

  it('requests a story and watches the bar rise, with chapters listed before the story completes', async () => {
    await page.getByRole('link', { name: 'New story for Mia' }).click()
    await page.getByLabel('Topic').waitFor()
    await expectAccessible(page, 'new story')
    await page.getByLabel('Topic').fill('a lost red balloon')
    await page.getByRole('radiogroup', { name: 'Illustration style' }).getByLabel('Watercolor').check()
    await page.getByRole('button', { name: 'Make the story' }).click()
    await page.waitForURL(/\/stories\/[0-9a-f-]{36}$/)
    const seen = await recordProgress(page)

    await page.getByRole('list', { name: 'Chapters written so far' }).getByRole('listitem').first().waitFor()
    const percentWithFirstChapter = Number(await page.getByRole('progressbar').getAttribute('aria-valuenow'))
    expect(percentWithFirstChapter).toBeLessThan(100)
    await page.getByRole('link', { name: 'Start reading' }).waitFor()
    await expectAccessible(page, 'making the story')

    await page.locator('[role=progressbar][aria-valuenow="100"]').waitFor({ timeout: 60_000 })
    await page.getByText('The story is ready.').waitFor()
    const percents = await seen()
    expect(percents).toEqual([...percents].sort((a, b) => a - b))
    expect(percents.some((p) => p > 0 && p < 100)).toBe(true)
    expect(percents.at(-1)).toBe(100)
    storyTitle = (await page.getByRole('heading', { level: 1 }).textContent())!
    expect(storyTitle).not.toBe('Making the story…')
  })

  it('reads the story one chapter per screen, turning pages with the buttons and the arrow keys', async () => {
    await page.getByRole('link', { name: 'Start reading' }).click()
    const chapterHeading = page.getByRole('heading', { level: 2, name: /^Chapter \d+/ })
    const expectChapter = async (n: number) => {
      await page.getByRole('heading', { level: 2, name: new RegExp(`^Chapter ${n}\\b`) }).waitFor()
      await page.getByText(new RegExp(`^Chapter ${n} of \\d+$`)).waitFor()
      await expectImageLoaded(page.getByRole('img', { name: /^Illustration for/ }))
    }
    await expectChapter(1)
    const total = Number(/of (\d+)/.exec((await page.getByText(/^Chapter 1 of \d+$/).textContent())!)![1])
    expect(total).toBeGreaterThanOrEqual(3)
    expect(await page.getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true)
    await expectAccessible(page, 'reader')

    await page.getByRole('button', { name: 'Next' }).click()
    await expectChapter(2)
    await page.keyboard.press('ArrowRight')
    await expectChapter(3)
    await page.keyboard.press('ArrowLeft')
    await expectChapter(2)
    // A key pressed as soon as a page shows turns from that page.
    await pressAgainOnceShown(page, 'ArrowRight', 'Chapter 3 of', 'ArrowLeft')
    await expectChapter(2)
    await page.getByRole('button', { name: 'Previous' }).click()
    await expectChapter(1)
    expect(await chapterHeading.count()).toBe(1)

    const nightMode = page.getByRole('button', { name: 'Night mode' })
    const background = () => nightMode.evaluate((button) => getComputedStyle(button).backgroundColor)
    const off = await background()
    await nightMode.click()
    // A toggle that is on says so to assistive technology and looks it.
    expect(await nightMode.getAttribute('aria-pressed')).toBe('true')
    expect(await background()).not.toBe(off)
    await expectAccessible(page, 'reader at night')
  })

  it('finds the story in the library, newest first, with its cover and status', async () => {
    await openNav(page)
    await page.getByRole('link', { name: 'Library' }).click()
    await page.getByRole('heading', { level: 1, name: 'Library' }).waitFor()
    const row = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: storyTitle }) })
    await row.waitFor()
    await row.getByText(/^Ready ·/).waitFor()
    await expectImageLoaded(row.locator('img'))
    await expectAccessible(page, 'library')
  })

  it('deletes the story from the library only once the parent confirms, and it stays gone', async () => {
    const row = () => page.getByRole('listitem').filter({ has: page.getByRole('link', { name: storyTitle }) })
    // The row shows one short word; its accessible name says which story it deletes.
    const remove = row().getByRole('button', { name: `Delete ${storyTitle}`, exact: true })
    expect((await remove.textContent())?.trim()).toBe('Delete')
    await remove.click()
    await row()
      .getByRole('group', { name: `Delete "${storyTitle}" for good?` })
      .waitFor()
    await row().getByRole('button', { name: 'Keep it' }).click()
    await remove.waitFor()

    await remove.click()
    await row().getByRole('button', { name: 'Yes, delete' }).click()
    await row().waitFor({ state: 'detached' })
    // This parent's only story: after a reload, the library says it has none.
    await page.reload()
    await page.getByText('No stories yet.').waitFor()
    expect(await row().count()).toBe(0)
  })
})

/** The header's navigation is always shown (no menu to open), on a phone too. */
async function openNav(page: Page) {
  await page.getByRole('navigation', { name: 'Main' }).waitFor()
}
