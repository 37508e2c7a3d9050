import { fillPlaceholders, loadStoryTemplates } from '@dreamify/prompts'
import { describe, expect, it, vi } from 'vitest'
import { addChildInApp, expectAccessible, registerInApp, VIEWPORTS } from './support/browser.ts'
import { useStack } from './support/stack.ts'

// The story form offers the provider's languages and starts in the child's preferred one, else the
// parent's; the reader marks the story's text with its language and direction, so an Arabic story
// runs right to left and is read aloud in Arabic.
vi.setConfig({ testTimeout: 120_000 })
const stack = useStack({ FIXTURES_TEXT_MS: '300', FIXTURES_IMAGE_MS: '50' })

describe('a story in another language', () => {
  it('is asked for in Arabic and read right to left', async () => {
    const context = await stack.browser.newContext(VIEWPORTS.desktop)
    const page = await context.newPage()
    page.setDefaultTimeout(30_000)
    await registerInApp(page, stack.baseUrl, 'Salma')
    await addChildInApp(page, 'Noor')

    await page.getByRole('link', { name: 'New story for Noor' }).click()
    const language = page.getByLabel('Language')
    await language.waitFor()
    const offered = await language
      .locator('option')
      .evaluateAll((options) => options.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent })))
    expect(offered).toEqual([
      { value: 'en', label: 'English' },
      { value: 'es', label: 'Español' },
      { value: 'ar', label: 'العربية' },
    ])
    expect(await language.inputValue()).toBe('en')
    await language.selectOption({ label: 'العربية' })
    await page.getByLabel('Topic').fill('القمر')
    await page.getByRole('button', { name: 'Make the story' }).click()
    await page.locator('[role=progressbar][aria-valuenow="100"]').waitFor({ timeout: 60_000 })

    await page.getByRole('link', { name: 'Start reading' }).click()
    await page.getByText(/^Chapter 1 of \d+$/).waitFor()
    const title = page.getByRole('heading', { level: 1 })
    // The fixtures provider picks one of its Arabic templates by the story's seed.
    const arabicTitles = loadStoryTemplates()
      .filter((template) => template.language === 'ar')
      .map((template) => fillPlaceholders(template.title, { name: 'Noor' }))
    expect(arabicTitles.length).toBeGreaterThan(0)
    expect(arabicTitles).toContain(await title.textContent())
    expect(await title.getAttribute('lang')).toBe('ar')
    expect(await title.getAttribute('dir')).toBe('rtl')
    const text = page.locator('.chapter-text')
    expect(await text.getAttribute('lang')).toBe('ar')
    expect(await text.getAttribute('dir')).toBe('rtl')
    // The browser lays the paragraphs out right to left.
    expect(
      await text
        .locator('p')
        .first()
        .evaluate((p) => getComputedStyle(p).direction),
    ).toBe('rtl')
    // The app around the story stays as it is.
    expect(await page.locator('html').getAttribute('dir')).not.toBe('rtl')
    await expectAccessible(page, 'an Arabic story in the reader')
    // The book turns right to left: the left arrow goes forward, the right one back.
    await page.keyboard.press('ArrowLeft')
    await page.getByText(/^Chapter 2 of \d+$/).waitFor()
    await page.keyboard.press('ArrowRight')
    await page.getByText(/^Chapter 1 of \d+$/).waitFor()
    await context.close()
  })

  it("starts in the child's language, else the parent's, and follows the child chosen", async () => {
    const context = await stack.browser.newContext(VIEWPORTS.desktop)
    const page = await context.newPage()
    page.setDefaultTimeout(30_000)
    await registerInApp(page, stack.baseUrl, 'Marta')
    await addChildInApp(page, 'Lucía', 'Español')
    await addChildInApp(page, 'Sam')

    await page.getByRole('link', { name: 'New story for Lucía' }).click()
    const language = page.getByLabel('Language')
    await language.waitFor()
    expect(await language.inputValue()).toBe('es')
    const forChild = page.getByLabel('For', { exact: true })
    await forChild.selectOption({ label: 'Sam' })
    await expect.poll(() => language.inputValue()).toBe('en')
    await forChild.selectOption({ label: 'Lucía' })
    await expect.poll(() => language.inputValue()).toBe('es')
    // A language the parent picked stays when the child changes.
    await language.selectOption({ label: 'العربية' })
    await forChild.selectOption({ label: 'Sam' })
    await expect.poll(() => forChild.inputValue()).not.toBe('')
    expect(await language.inputValue()).toBe('ar')

    // The child's edit form shows the saved language; "Same as mine" for the other.
    await page.getByRole('link', { name: 'Children' }).click()
    await page.getByRole('link', { name: 'Edit Lucía' }).click()
    const childLanguage = page.getByLabel('Story language')
    await childLanguage.waitFor()
    expect(await childLanguage.inputValue()).toBe('es')
    expect(await childLanguage.locator('option:checked').textContent()).toBe('Español')
    await expectAccessible(page, "a child's edit form with its story language")
    await page.getByRole('link', { name: 'Children' }).click()
    await page.getByRole('link', { name: 'Edit Sam' }).click()
    await childLanguage.waitFor()
    expect(await childLanguage.locator('option:checked').textContent()).toBe('Same as mine')

    // The parent's language is the default for a child without one.
    await page.getByRole('link', { name: 'Account' }).click()
    // The child's form has a "Story language" too: wait for the account screen to replace it.
    await page.getByRole('heading', { name: 'About you' }).waitFor()
    const parentLanguage = page.getByLabel('Story language')
    await parentLanguage.waitFor()
    expect(await parentLanguage.inputValue()).toBe('en')
    await parentLanguage.selectOption({ label: 'العربية' })
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor()
    await page.getByRole('link', { name: 'Children' }).click()
    await page.getByRole('link', { name: 'New story for Sam' }).click()
    await language.waitFor()
    expect(await language.inputValue()).toBe('ar')
    await forChild.selectOption({ label: 'Lucía' })
    await expect.poll(() => language.inputValue()).toBe('es')
    await context.close()
  })
})
