/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser: the DOM types describe them.
import type { BrowserContext, Locator, Page } from 'playwright-core'
import { describe, expect, it, vi } from 'vitest'
import { addChildInApp, expectAccessible, registerInApp, VIEWPORTS } from './support/browser.ts'
import { useStack } from './support/stack.ts'

// The story screen's other paths: no event stream, cancel and retry, the API's field errors, the
// choices offered, a swipe, and the whole journey with the keyboard alone.
vi.setConfig({ testTimeout: 120_000 })
const stack = useStack()

async function signedInWithChild(options = VIEWPORTS.desktop): Promise<{ context: BrowserContext; page: Page }> {
  const context = await stack.browser.newContext(options)
  const page = await context.newPage()
  page.setDefaultTimeout(30_000)
  await registerInApp(page, stack.baseUrl, 'Sam')
  await addChildInApp(page, 'Leo')
  return { context, page }
}

async function requestStory(page: Page, topic: string) {
  await page.getByRole('link', { name: 'New story for Leo' }).click()
  await page.getByLabel('Topic').fill(topic)
  await page.getByRole('button', { name: 'Make the story' }).click()
}

/** GET /api/options, as the API answers it: what the forms must offer. */
const apiOptions = async () =>
  (await (await fetch(`${stack.baseUrl}/api/options`)).json()) as Record<string, { label: string }[]>

const finished = (page: Page) => page.locator('[role=progressbar][aria-valuenow="100"]').waitFor({ timeout: 60_000 })

describe('the story screen', () => {
  it('completes the story by polling when the event stream is blocked', async () => {
    const { page } = await signedInWithChild()
    const streams: string[] = []
    const polls: string[] = []
    await page.route('**/api/jobs/*/events?**', (route) => {
      streams.push(route.request().url())
      return route.abort()
    })
    page.on('request', (request) => {
      if (/\/api\/jobs\/[^/]+$/.test(new URL(request.url()).pathname)) polls.push(request.url())
    })
    await requestStory(page, 'a kite that wanted to fly higher')
    await finished(page)
    await page.getByText('The story is ready.').waitFor()
    expect(streams.length).toBeGreaterThan(0)
    // One read when the screen opens; the rest are the fallback's polls.
    expect(polls.length).toBeGreaterThan(2)
    await page.getByRole('list', { name: 'Chapters written so far' }).getByRole('listitem').nth(2).waitFor()
  })

  it('cancels a story while it is made, then tries again until it completes', async () => {
    const { page } = await signedInWithChild()
    await requestStory(page, 'a snail who raced the moon')
    await page.getByRole('button', { name: 'Cancel story' }).click()
    await page.getByText('The story was cancelled.').waitFor()
    expect(await page.getByRole('button', { name: 'Cancel story' }).count()).toBe(0)
    await expectAccessible(page, 'a cancelled story')
    await page.getByRole('button', { name: 'Try again' }).click()
    await finished(page)
    await page.getByText('The story is ready.').waitFor()
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0)
  })

  it('reads a story while it is written: the chapters to come count, and each shows as it comes', async () => {
    const { page } = await signedInWithChild()
    await requestStory(page, 'a lantern that found the way home')
    const listed = page.getByRole('list', { name: 'Chapters written so far' }).getByRole('listitem')
    await listed.first().waitFor()
    expect(await listed.count()).toBeLessThan(5)
    await page.getByRole('link', { name: 'Start reading' }).click()
    // The first count the reader shows, from the story as the progress screen had it.
    const count = page.locator('.chapter-count')
    await count.waitFor()
    expect(await count.textContent()).toBe('Chapter 1 of 5')
    const reader = (chapter: number) => page.url().replace(/\/read\/\d+$/, `/read/${chapter}`)
    // The last chapter, most likely still to come, shows by itself once it is written.
    await page.goto(reader(5))
    await page.getByRole('heading', { level: 2, name: /^Chapter 5:/ }).waitFor()
    // An address past the last chapter opens the last one.
    await page.goto(reader(9))
    await page.getByText('Chapter 5 of 5').waitFor()
    expect(new URL(page.url()).pathname).toMatch(/\/read\/5$/)
  })

  it("shows the API's field errors next to the field, in the API's words", async () => {
    const { page } = await signedInWithChild()
    await requestStory(page, `a dragon ${'very '.repeat(70)}far away`)
    const topic = page.getByLabel('Topic')
    await page.getByText('body.topic must NOT have more than 300 characters').waitFor()
    expect(await topic.getAttribute('aria-invalid')).toBe('true')
    const described = await describedBy(topic)
    expect(described).toContain('body.topic must NOT have more than 300 characters')
    expect(new URL(page.url()).pathname).toBe('/stories/new')
    await expectAccessible(page, 'a field error')
  })

  it("shows a refused topic (422 CONTENT_REFUSED) at the Topic field, in the API's words", async () => {
    const { page } = await signedInWithChild()
    await requestStory(page, 'a pirate who stabs everyone and drinks blood')
    const topic = page.getByLabel('Topic')
    await page.getByText('body.topic is not suitable for a bedtime story').waitFor()
    expect(await topic.getAttribute('aria-invalid')).toBe('true')
    const described = await describedBy(topic)
    expect(described).toContain('Please rephrase it as something gentle and kind.')
    expect(new URL(page.url()).pathname).toBe('/stories/new')
  })

  it('offers exactly the choices of GET /api/options in the forms', async () => {
    const { page } = await signedInWithChild()
    const options = await apiOptions()
    await page.getByRole('link', { name: 'Add a child' }).click()
    const ages = page.getByRole('radiogroup', { name: 'Age' }).getByRole('radio')
    await ages.first().waitFor()
    const ageLabels = await ages.evaluateAll((radios) =>
      radios.map((r) => (r as HTMLInputElement).labels?.[0]?.textContent),
    )
    expect(ageLabels).toEqual(options.age_ranges!.map((o) => o.label))
    const hairColours = await page.getByLabel('Hair colour').locator('option').allTextContents()
    expect(hairColours).toEqual(options.hair_colors!.map((o) => o.label))
  })

  it("reports a story from the reader, with the API's reasons, and the report is kept", async () => {
    const { page } = await signedInWithChild(VIEWPORTS.phone)
    const options = await apiOptions()
    await requestStory(page, 'a moth who loved the lamp')
    await page.getByRole('link', { name: 'Start reading' }).click()
    const disclosure = page.getByRole('button', { name: 'Report this story' })
    await disclosure.click()
    expect(await disclosure.getAttribute('aria-expanded')).toBe('true')
    const reasons = page.getByRole('radiogroup', { name: 'What is wrong with it?' }).getByRole('radio')
    await reasons.first().waitFor()
    const labels = await reasons.evaluateAll((radios) =>
      radios.map((r) => (r as HTMLInputElement).labels?.[0]?.textContent),
    )
    expect(labels).toEqual(options.report_reasons!.map((o) => o.label))
    const send = page.getByRole('button', { name: 'Send report' })
    // A report says why: nothing is sent before a reason is chosen.
    expect(await send.isDisabled()).toBe(true)
    await page.getByLabel('Too frightening').check()
    await page.getByLabel('Anything to add? (optional)').fill('The owl in chapter 2 scared her.')
    await expectAccessible(page, 'the report form in the reader')
    await send.click()
    await page.getByRole('status').filter({ hasText: 'Thank you. Your report is sent.' }).waitFor()
    expect(await disclosure.getAttribute('aria-expanded')).toBe('false')
    // The story's safety summary counts it: the reader says so after a reload.
    await page.reload()
    await page.getByText('You have reported this story.').waitFor()
  })

  it('stays accessible in the dark colour scheme, in the reader at night too', async () => {
    const { page } = await signedInWithChild({ ...VIEWPORTS.phone, colorScheme: 'dark' })
    await expectAccessible(page, 'children, dark')
    await requestStory(page, 'an owl who could not sleep')
    await page.getByRole('link', { name: 'Start reading' }).click()
    await page.getByRole('heading', { level: 2, name: /^Chapter 1\b/ }).waitFor()
    await expectAccessible(page, 'reader, dark')
    await page.getByRole('button', { name: 'Night mode' }).click()
    await expectAccessible(page, 'reader at night, dark')
  })

  it('turns pages with a swipe on a touch screen', async () => {
    const { page } = await signedInWithChild(VIEWPORTS.phone)
    await requestStory(page, 'a whale who sang lullabies')
    await finished(page)
    await page.getByRole('link', { name: 'Start reading' }).click()
    await page.getByRole('heading', { level: 2, name: /^Chapter 1\b/ }).waitFor()
    const swipe = (fromX: number, toX: number) =>
      page.locator('article').evaluate(
        (article, [from, to]) => {
          const touch = (x: number) => new Touch({ identifier: 1, target: article, clientX: x, clientY: 300 })
          article.dispatchEvent(new TouchEvent('touchstart', { touches: [touch(from!)], bubbles: true }))
          article.dispatchEvent(new TouchEvent('touchend', { changedTouches: [touch(to!)], bubbles: true }))
        },
        [fromX, toX],
      )
    await swipe(320, 40)
    await page.getByRole('heading', { level: 2, name: /^Chapter 2\b/ }).waitFor()
    await swipe(40, 320)
    await page.getByRole('heading', { level: 2, name: /^Chapter 1\b/ }).waitFor()
  })
})

/** Presses Tab until the element has the focus (at most `limit` times): it is reachable by keyboard. */
async function tabTo(page: Page, target: ReturnType<Page['getByRole']>, limit = 60) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab')
    if (await target.evaluate((element) => element === document.activeElement).catch(() => false)) return
  }
  throw new Error(`could not reach ${target} with the Tab key`)
}

describe('the main journey with the keyboard alone', () => {
  it('registers, adds a child, makes a story and reads it without a pointer', async () => {
    const page = await (await stack.browser.newContext(VIEWPORTS.desktop)).newPage()
    page.setDefaultTimeout(30_000)
    await page.goto(`${stack.baseUrl}/sign-in`)
    await tabTo(page, page.getByRole('link', { name: 'Create account' }))
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { level: 1, name: 'Create account' }).waitFor()
    for (const [label, text] of [
      ['First name', 'Kim'],
      ['Last name', 'Keys'],
      ['Email', `kim-${process.pid}-${Date.now()}@example.com`],
      ['Password', 'correct horse battery'],
    ] as const) {
      await tabTo(page, page.getByLabel(label))
      await page.keyboard.type(text)
    }
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { level: 1, name: 'Your children' }).waitFor()

    await tabTo(page, page.getByRole('link', { name: 'Add a child' }))
    await page.keyboard.press('Enter')
    await tabTo(page, page.getByLabel("Child's name"))
    await page.keyboard.type('Ada')
    // The arrow keys move within a radio group.
    await tabTo(page, page.getByRole('radiogroup', { name: 'Age' }).getByRole('radio').first())
    await page.keyboard.press('ArrowRight')
    expect(await page.getByRole('radiogroup', { name: 'Age' }).getByRole('radio').nth(1).isChecked()).toBe(true)
    await tabTo(page, page.getByLabel('Heritage'))
    await page.keyboard.type('Welsh')
    await tabTo(page, page.getByRole('button', { name: 'Save' }))
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { level: 1, name: 'Your children' }).waitFor()

    await tabTo(page, page.getByRole('link', { name: 'New story for Ada' }))
    await page.keyboard.press('Enter')
    await tabTo(page, page.getByLabel('Topic'))
    await page.keyboard.type('a lighthouse keeper and a seal')
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/stories\/[0-9a-f-]{36}$/)
    await tabTo(page, page.getByRole('link', { name: 'Start reading' }))
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { level: 2, name: /^Chapter 1\b/ }).waitFor()
    // Next is there once chapter 2 is written.
    await page.getByText(/^Chapter 1 of [2-9]/).waitFor({ timeout: 60_000 })
    await tabTo(page, page.getByRole('button', { name: 'Next' }))
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { level: 2, name: /^Chapter 2\b/ }).waitFor()
  })
})

/** The text of the elements a field names in aria-describedby: what a screen reader reads after its label. */
function describedBy(field: Locator): Promise<string> {
  return field.evaluate((input) =>
    (input.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent)
      .join(' '),
  )
}
