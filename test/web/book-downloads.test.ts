import { readFile } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import { describe, expect, it, vi } from 'vitest'
import { pdfText } from '../support/books.ts'
import { addChildInApp, expectAccessible, registerInApp, VIEWPORTS } from './support/browser.ts'
import { useStack } from './support/stack.ts'

// The reader's keepsakes: "Download PDF" and "Download EPUB" fetch the book with the bearer token
// and save it under the API's file name.
vi.setConfig({ testTimeout: 180_000 })
const stack = useStack()

async function download(page: Page, button: string) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()])
  return { name: file.suggestedFilename(), bytes: await readFile((await file.path())!) }
}

describe('the reader of a finished story', () => {
  it('downloads the story as a PDF and as an EPUB', async () => {
    const context = await stack.browser.newContext({ ...VIEWPORTS.desktop, acceptDownloads: true })
    const page = await context.newPage()
    page.setDefaultTimeout(60_000)
    const bookRequests: Array<{ path: string; authorized: boolean }> = []
    page.on('request', (request) => {
      const { pathname } = new URL(request.url())
      if (/\/book\.(pdf|epub)$/.test(pathname))
        bookRequests.push({ path: pathname, authorized: /^Bearer /.test(request.headers().authorization ?? '') })
    })
    await registerInApp(page, stack.baseUrl, 'Kim')
    await addChildInApp(page, 'Ana')
    await page.getByRole('link', { name: 'New story for Ana' }).click()
    await page.getByLabel('Topic').fill('a lighthouse that hummed at night')
    await page.getByRole('button', { name: 'Make the story' }).click()
    await page.locator('[role=progressbar][aria-valuenow="100"]').waitFor({ timeout: 90_000 })
    await page.getByRole('link', { name: 'Start reading' }).click()
    const title = (await page.getByRole('heading', { level: 1 }).textContent())!.trim()

    await page.getByRole('button', { name: 'Download PDF' }).waitFor()
    await expectAccessible(page, 'reader with downloads')
    const pdf = await download(page, 'Download PDF')
    expect(pdf.name).toMatch(/\.pdf$/)
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-')
    expect((await pdfText(pdf.bytes)).replace(/\s+/g, ' ')).toContain('A bedtime story for Ana')
    expect(pdf.name).toBe(`${title}.pdf`)

    const epub = await download(page, 'Download EPUB')
    expect(epub.name).toBe(`${title}.epub`)
    expect(epub.bytes.subarray(0, 2).toString()).toBe('PK')
    expect(epub.bytes.subarray(30, 38).toString()).toBe('mimetype')

    expect(bookRequests.map((request) => request.path.split('/').pop())).toEqual(['book.pdf', 'book.epub'])
    expect(bookRequests.every((request) => request.authorized)).toBe(true)
    await context.close()
  })
})
