// Every call about the parent's session and account lives here, so that the session contract
// (issue #12: a short access token in memory, the refresh token in an HttpOnly cookie) is in one
// place. The access token is never written to storage: a reload restores the session through the
// cookie, or ends at sign-in when there is none (or when the API has no refresh yet).

import { ApiError } from './api-error.ts'
import type { paths } from './api-schema'

export type SessionStatus = 'restoring' | 'signed-in' | 'signed-out'

interface TokenAnswer {
  access_token: string
  expires_in: number
}

export interface ActiveSession {
  id: string
  created_at: string
  last_used_at: string
  client: string
  current: boolean
}

/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 60_000
// The refresh cookie's CSRF defence, besides SameSite=Strict and the same-origin Origin header.
const CSRF_HEADER = { 'x-requested-with': 'dreamify' }

let accessToken: string | null = null
let status: SessionStatus = 'restoring'
let refreshTimer: ReturnType<typeof setTimeout> | undefined
let refreshing: Promise<boolean> | null = null
const listeners = new Set<() => void>()

function setStatus(next: SessionStatus) {
  status = next
  for (const listener of listeners) listener()
}

export const session = {
  subscribe(listener: () => void) {
    listeners.add(listener)
    return () => listeners.delete(listener)
  },
  status: () => status,
  token: () => accessToken,
}

function adopt(answer: TokenAnswer) {
  accessToken = answer.access_token
  clearTimeout(refreshTimer)
  const delay = Math.max(answer.expires_in * 1000 - REFRESH_MARGIN_MS, 5_000)
  refreshTimer = setTimeout(() => void refreshSession(), delay)
  setStatus('signed-in')
}

/** Ends the session on this side only (the cookie, if any, is the API's to clear). */
export function forgetSession() {
  accessToken = null
  clearTimeout(refreshTimer)
  setStatus('signed-out')
}

async function send(method: string, path: string, body?: unknown, auth = true): Promise<Response> {
  const headers: Record<string, string> = { ...CSRF_HEADER }
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (auth && accessToken) headers.authorization = `Bearer ${accessToken}`
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  if (!response.ok) throw ApiError.fromResponse(response, await response.json().catch(() => ({})))
  return response
}

export async function signIn(email: string, password: string): Promise<void> {
  const response = await send('POST', '/api/auth/login', { email, password, session: 'cookie' }, false)
  adopt((await response.json()) as TokenAnswer)
}

export async function register(fields: { first_name: string; last_name: string; email: string; password: string }) {
  await send('POST', '/api/auth/register', fields, false)
  await signIn(fields.email, fields.password)
}

/** A new access token from the refresh cookie; false (and signed out) when there is none. One at a time. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const response = await send('POST', '/api/auth/refresh', undefined, false)
      adopt((await response.json()) as TokenAnswer)
      return true
    } catch {
      forgetSession()
      return false
    } finally {
      refreshing = null
    }
  })()
  return refreshing
}

export async function signOut(): Promise<void> {
  try {
    await send('POST', '/api/auth/logout')
  } catch {
    // Signed out here whatever the API said: the cookie expires by itself.
  } finally {
    forgetSession()
  }
}

export async function listSessions(): Promise<ActiveSession[]> {
  const body = (await (await send('GET', '/api/auth/sessions')).json()) as
    | ActiveSession[]
    | { sessions: ActiveSession[] }
  return Array.isArray(body) ? body : body.sessions
}

export async function signOutOtherDevices(): Promise<void> {
  await send('DELETE', '/api/auth/sessions')
}

type UpdateMeBody = NonNullable<paths['/api/auth/me']['patch']['requestBody']>['content']['application/json']
/** What the account screen changes: the names and the preferred story language. */
export type ProfileChanges = Pick<UpdateMeBody, 'first_name' | 'last_name' | 'language'>

export async function updateProfile(changes: ProfileChanges): Promise<void> {
  await send('PATCH', '/api/auth/me', changes)
}

export async function changePassword(current_password: string, new_password: string): Promise<void> {
  await send('POST', '/api/auth/password', { current_password, new_password })
}

/** The export zip, downloaded through a temporary object URL (the bearer header cannot ride on a link). */
export async function downloadMyData(): Promise<void> {
  const blob = await (await send('GET', '/api/auth/me/export')).blob()
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = 'dreamify-export.zip'
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export async function deleteAccount(password: string): Promise<void> {
  await send('DELETE', '/api/auth/me', { password })
  forgetSession()
}
