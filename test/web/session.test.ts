/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser: the DOM types describe them.
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { addChildInApp, expectAccessible, registerInApp, VIEWPORTS } from './support/browser.ts'
import { useStack } from './support/stack.ts'

// The session of issue #12 as the browser lives it: the refresh cookie keeps the parent signed in
// across a reload, "Sign out" ends it, and the account screen controls it all. These need the
// sessions routes (POST /api/auth/refresh, /logout, /sessions, /me/export, DELETE /me).
vi.setConfig({ testTimeout: 120_000 })
const stack = useStack()

const storage = (page: Page) => page.evaluate(() => localStorage.length + sessionStorage.length)

describe.each(Object.entries(VIEWPORTS))('the session on a %s', (_name, viewport) => {
  let page: Page
  let credentials: { email: string; password: string }

  beforeAll(async () => {
    page = await (await stack.browser.newContext(viewport)).newPage()
    page.setDefaultTimeout(30_000)
    credentials = await registerInApp(page, stack.baseUrl, 'Robin')
    await addChildInApp(page, 'Ivy')
  })

  it('keeps the refresh token in an HttpOnly cookie and nothing in storage', async () => {
    expect(await storage(page)).toBe(0)
    // The cookie belongs to /api/auth only, so it is listed for that path.
    const cookies = await page.context().cookies(`${stack.baseUrl}/api/auth/refresh`)
    expect(cookies.length).toBeGreaterThan(0)
    for (const cookie of cookies) {
      expect(cookie.httpOnly).toBe(true)
      expect(cookie.path).toBe('/api/auth')
      expect(cookie.sameSite).toBe('Strict')
    }
    expect(await page.evaluate(() => document.cookie)).toBe('')
  })

  it('stays signed in across a reload', async () => {
    await page.goto(`${stack.baseUrl}/library`)
    await page.getByRole('heading', { level: 1, name: 'Library' }).waitFor()
    await page.reload()
    await page.getByRole('heading', { level: 1, name: 'Library' }).waitFor()
    expect(new URL(page.url()).pathname).toBe('/library')
  })

  it('shows the account: names, sessions, the export', async () => {
    await page.getByRole('link', { name: 'Account' }).click()
    await page.getByRole('heading', { level: 1, name: 'Account' }).waitFor()
    await page.getByText(`Signed in as ${credentials.email}`).waitFor()
    await page.getByText('(this device)').waitFor()
    await expectAccessible(page, 'account')

    await page.getByLabel('First name').fill('Robyn')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor()

    await page.getByRole('button', { name: 'Sign out other devices' }).click()
    // The status, not the password field's hint, which says the same words.
    await page.getByRole('status').filter({ hasText: 'Your other devices are signed out.' }).waitFor()

    const download = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Download my data' }).click()
    expect((await download).suggestedFilename()).toBe('dreamify-export.zip')
  })

  it('signs out, then sends a protected URL to sign in, and back after signing in', async () => {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click()
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor()
    await page.goto(`${stack.baseUrl}/library`)
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor()
    // The reload found no session to restore: the cookie was revoked.
    await page.reload()
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor()
    await page.getByLabel('Email').fill(credentials.email)
    await page.getByLabel('Password').fill(credentials.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { level: 1, name: 'Library' }).waitFor()
  })

  it('deletes the account with the password and a confirmation', async () => {
    await page.getByRole('link', { name: 'Account' }).click()
    const remove = page.getByRole('button', { name: 'Delete account' })
    await remove.waitFor()
    expect(await remove.isDisabled()).toBe(true)
    await page.getByRole('form', { name: 'Delete account' }).getByLabel('Password').fill(credentials.password)
    await page.getByLabel('I understand that everything is deleted for good').check()
    await remove.click()
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor()
    await page.getByLabel('Email').fill(credentials.email)
    await page.getByLabel('Password').fill(credentials.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page
      .getByRole('alert')
      .filter({ hasText: /incorrect/ })
      .waitFor()
  })
})
