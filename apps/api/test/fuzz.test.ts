import { createHmac, randomUUID } from 'node:crypto'
import { ERROR_CODES } from '@dreamify/core'
import { createSignedMediaRoute } from '@dreamify/media'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  aChild,
  buildTestApp,
  expectErrorShape,
  outsideTheDocument,
  signUp,
  TEST_SECRET,
} from '../../../test/support/api.ts'
import { createTestDatabase } from '../../../test/support/database.ts'
import { documentViolation } from '../../../test/support/openapi-conformance.ts'
import type { App } from '../src/app.ts'

// Hostile input against every route, through app.inject on the real app (real Postgres and Redis).
// A seeded generator makes the run repeatable: FUZZ_SEED=<n> replays another one. Nothing may answer
// 5xx, every 4xx must be the one error shape, and the service must be healthy afterwards.

const SEED = Number(process.env.FUZZ_SEED ?? 20_251_124) >>> 0
/** a request that takes longer than this counts as hung */
const REQUEST_TIMEOUT_MS = 15_000

// ---------------------------------------------------------------------------------------------
// A small seeded generator (mulberry32).

function createRng(seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
  const int = (n: number) => Math.floor(next() * n)
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!
  return {
    next,
    int,
    pick,
    chance: (p: number) => next() < p,
    sample<T>(items: readonly T[], n: number): T[] {
      const copy = [...items]
      for (let i = copy.length - 1; i > 0; i--) {
        const j = int(i + 1)
        ;[copy[i], copy[j]] = [copy[j]!, copy[i]!]
      }
      return copy.slice(0, n)
    },
    shuffle<T>(items: T[]): T[] {
      for (let i = items.length - 1; i > 0; i--) {
        const j = int(i + 1)
        ;[items[i], items[j]] = [items[j]!, items[i]!]
      }
      return items
    },
    uuid(): string {
      const hex = Array.from({ length: 32 }, () => int(16).toString(16)).join('')
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[int(4)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
    },
    ip: () => `10.${int(256)}.${int(256)}.${1 + int(254)}`,
  }
}
type Rng = ReturnType<typeof createRng>

// ---------------------------------------------------------------------------------------------
// Hostile material.

const KB100 = 'x'.repeat(100_000)
const DEPTH = 10_000
/** `[[[…]]]` 10,000 deep: 20 KB, under the 64 KB body limit, so it reaches the JSON parser */
const DEEP_ARRAY = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`
/** `{"a":{"a":…1…}}` 10,000 deep: 60 KB, still under the body limit */
const DEEP_OBJECT = `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`
const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url')

/** JSON values, as raw JSON text, put in place of one field of an otherwise valid body. */
const FIELD_FRAGMENTS: readonly string[] = [
  '""',
  '" "',
  '"\\t\\r\\n"',
  JSON.stringify(KB100),
  JSON.stringify('é'.repeat(40_000)),
  JSON.stringify('y'.repeat(20_000)),
  '"\\u0000"',
  '"a\\u0000b"',
  '"\\ud800"',
  '"a\\udfffb"',
  '"\\udc00\\ud800"',
  '"\\uffff\\ufffe"',
  '"\\u202eevil"',
  '"\\u200b"',
  '"👩‍👧‍👦"',
  JSON.stringify("' OR 1=1--"),
  JSON.stringify("'; DROP TABLE parents; --"),
  JSON.stringify('" OR ""="'),
  JSON.stringify('../../../etc/passwd'),
  JSON.stringify('..%2F..%2Fetc%2Fpasswd'),
  JSON.stringify('<script>alert(1)</script>'),
  JSON.stringify('${process.exit(1)}'),
  JSON.stringify('{{constructor.constructor("return process")()}}'),
  JSON.stringify('%s%s%s%n'),
  JSON.stringify('\\'),
  JSON.stringify('__proto__'),
  '0',
  '-1',
  '1.5',
  '1e309',
  '-1e309',
  '123456789012345678901234567890',
  '-0',
  'true',
  'false',
  'null',
  '[]',
  '{}',
  '["a"]',
  '[null]',
  '{"$ne":null}',
  '{"$gt":""}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  DEEP_ARRAY,
  DEEP_OBJECT,
]

/** Whole bodies, sent as application/json. */
const RAW_BODIES: readonly string[] = [
  '',
  ' ',
  '\n',
  'null',
  'true',
  '0',
  '-1',
  '1e309',
  '"string"',
  '[]',
  '[{}]',
  '[1,2,3]',
  '{}',
  '{',
  '}',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  '{"a":1}{"b":2}',
  '{"a" 1}',
  'NaN',
  'undefined',
  '\u0000',
  '{"a":"\u0000"}',
  '\ufeff{}',
  '{"a":"\\ud800"}',
  '{"a":"\\x41"}',
  '/* */{}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"__proto__":null}',
  '{"prototype":{"polluted":true}}',
  DEEP_ARRAY,
  DEEP_OBJECT,
  `${'['.repeat(DEPTH)}`,
  `${'{"a":'.repeat(DEPTH)}`,
  `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
  KB100,
  `{"a":"${'x'.repeat(70_000)}"}`,
  `[${'0,'.repeat(30_000)}0]`,
]

/** Content types for a body that is otherwise fine. */
const CONTENT_TYPES: ReadonlyArray<[type: string, body: (json: string) => string]> = [
  ['text/plain', (json) => json],
  ['text/plain; charset=utf-8', () => 'hello'],
  ['application/x-www-form-urlencoded', () => 'first_name=Ann&email=a%40b.co&password=secret123&__proto__[polluted]=1'],
  [
    'multipart/form-data; boundary=----fuzz',
    () => '------fuzz\r\nContent-Disposition: form-data; name="email"\r\n\r\na@b.co\r\n------fuzz--\r\n',
  ],
  ['multipart/form-data', () => 'not multipart at all'],
  ['application/xml', () => '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'],
  ['text/html', () => '<script>alert(1)</script>'],
  ['application/octet-stream', (json) => json],
  ['image/png', () => '\x89PNG\r\n\x1a\n'],
  ['application/json; charset=utf-16', (json) => json],
  ['application/json; charset=iso-8859-1', (json) => json],
  ['APPLICATION/JSON', (json) => json],
  ['application/json;;;', (json) => json],
  ['application/jsonx', (json) => json],
  ['application/vnd.api+json', (json) => json],
  ['application/json-patch+json', () => '[{"op":"replace","path":"/name","value":"x"}]'],
  ['*/*', (json) => json],
  ['', (json) => json],
  ['application', (json) => json],
  [`application/json; boundary=${'x'.repeat(10_000)}`, (json) => json],
]

/** Path segments as they appear in the URL (already percent-encoded where that is the point). */
function hostileSegments(rng: Rng): string[] {
  return [
    '..%2F..%2Fetc%2Fpasswd',
    '..%2f..%2f..%2fetc%2fshadow',
    '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '..%5C..%5Cwindows%5Cwin.ini',
    '%2e%2e',
    '..',
    encodeURIComponent("' OR 1=1--"),
    encodeURIComponent("1'; DROP TABLE jobs;--"),
    encodeURIComponent('" OR ""="'),
    encodeURIComponent('1 UNION SELECT password_hash FROM parents'),
    '%00',
    'a%00b',
    `${rng.uuid()}%00`,
    '%ED%A0%80',
    '%ED%B0%80',
    '%C0%AF',
    '%FF%FE',
    '%E2%82',
    '%',
    '%zz',
    '%25',
    '%u0000',
    '\ud800',
    'a\udfffb',
    '\u0000',
    'x'.repeat(200),
    'x'.repeat(201),
    'a'.repeat(100_000),
    '%20',
    '%09',
    '%0D%0ASet-Cookie:%20x=1',
    'null',
    'undefined',
    'NaN',
    '-1',
    '0',
    '1e309',
    'true',
    '%5B%5D',
    '%7B%7D',
    '__proto__',
    'constructor',
    'prototype',
    'hasOwnProperty',
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    rng.uuid().toUpperCase(),
    `%7B${rng.uuid()}%7D`,
    `${rng.uuid()}%0A`,
    `${rng.uuid()}0`,
    rng.uuid(),
    rng.uuid().replace(/-/g, ''),
    '%F0%9F%98%80',
    '%E2%80%AE',
    '%3Cscript%3E',
    'x'.repeat(64),
    'x'.repeat(65),
    'job_1-a',
    `${rng.uuid()}.text`,
  ]
}

/** The chapter number segment of the redraw route. */
const CHAPTER_NUMBERS = [
  '0',
  '-1',
  '51',
  '1.5',
  '1e1',
  '1e309',
  'abc',
  '%00',
  '99999999999999999999',
  '0x1',
  '%20',
  '1%00',
  "1'%20OR%201=1--",
  '%ED%A0%80',
  'NaN',
  '3',
]

function cursorValues(rng: Rng): string[] {
  return [
    '',
    'not-a-cursor',
    'A'.repeat(200),
    'A'.repeat(201),
    'A'.repeat(100_000),
    '%00',
    '%ED%A0%80',
    '..%2F..%2Fetc%2Fpasswd',
    encodeURIComponent("' OR 1=1--"),
    b64url(`${new Date().toISOString()}|${rng.uuid()}`),
    b64url(`${new Date().toISOString()}|${rng.uuid()}|extra`),
    b64url(`2024-01-01|' OR 1=1--`),
    b64url(`' OR 1=1--|${rng.uuid()}`),
    b64url('|'),
    b64url(`\u0000|\u0000`),
    b64url(`2024-01-01T00:00:00Z\u0000|${rng.uuid()}`),
    b64url(`+275760-09-13T00:00:00.000Z|${rng.uuid()}`),
    b64url(`-271821-04-20T00:00:00.000Z|${rng.uuid()}`),
    b64url(`-004714-11-23T00:00:00.000Z|${rng.uuid()}`),
    b64url(`0000-01-01T00:00:00.000Z|${rng.uuid()}`),
    b64url(`1|${rng.uuid()}`),
    b64url(`2024-02-30|${rng.uuid()}`),
    b64url(`${'9'.repeat(50)}|${rng.uuid()}`),
    `${b64url(`2024-01-01|${rng.uuid()}`)}%3D%3D`,
    Buffer.from(`2024-01-01|${rng.uuid()}`).toString('base64'),
    '%2B%2F%3D%3D',
    '%E2%80%AE',
  ]
}

function queryValues(rng: Rng): string[] {
  return [
    'limit=0',
    'limit=101',
    'limit=-1',
    'limit=1.5',
    'limit=abc',
    'limit=',
    'limit=1e309',
    `limit=${'9'.repeat(100_000)}`,
    'limit=1&limit=2',
    'limit[]=1',
    'limit[$gt]=0',
    'limit=%00',
    'limit=0x10',
    'limit=%20',
    'limit=null',
    'limit=true',
    'limit=1e2',
    'limit=100',
    ...cursorValues(rng).map((cursor) => `cursor=${cursor}`),
    'cursor=a&cursor=b',
    '__proto__[polluted]=1',
    'constructor[prototype][polluted]=1',
    '&&&',
    '=',
    '%',
    'a=%zz',
    `${'k'.repeat(100_000)}=1`,
    `q=${KB100}`,
    Array.from({ length: 2000 }, (_, i) => `k${i}=${i}`).join('&'),
  ]
}

// ---------------------------------------------------------------------------------------------
// The routes, each with what a valid request to it looks like.

interface World {
  headers: { authorization: string }
  token: string
  parentId: string
  childId: string
  storyId: string
  jobId: string
  avatarJobId: string
}

interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  /** as in the OpenAPI document: /api/children/{child_id} */
  path: string
  auth: boolean
  /** a valid body, when the route takes one */
  body?: (w: World, rng: Rng) => Record<string, unknown>
  /** valid path parameters */
  params?: (w: World, rng: Rng) => Record<string, string>
  /** a valid query string (without ?) */
  query?: (w: World, rng: Rng) => string
  /** answers a stream for a real unfinished job: only ever sent ids that cannot be one */
  stream?: boolean
}

/** Signs media URLs as the app does (the test secret, the default 3600 s TTL), so fuzzed keys get past the signature. */
const mediaRoute = createSignedMediaRoute({ secret: TEST_SECRET, ttlSeconds: 3600 })
/** A well-formed key of a chapter's picture variant, that no stored object has. */
const aMediaKey = (rng: Rng) => `stories/${rng.uuid()}/chapters/1/job/w512.webp`

const ROUTES: Route[] = [
  {
    method: 'POST',
    path: '/api/auth/register',
    auth: false,
    body: (_w, rng) => ({
      first_name: 'Fuzz',
      last_name: 'Er',
      email: `fuzz-${rng.uuid()}@example.com`,
      password: 'correct horse',
    }),
  },
  {
    method: 'POST',
    path: '/api/auth/login',
    auth: false,
    body: (_w, rng) => ({ email: `nobody-${rng.int(1e9)}@example.com`, password: 'correct horse' }),
  },
  { method: 'GET', path: '/api/auth/me', auth: true },
  { method: 'GET', path: '/api/options', auth: false },
  { method: 'POST', path: '/api/auth/refresh', auth: false, body: (_w, rng) => ({ refresh_token: rng.uuid() }) },
  // Sent without a token: a valid one would end the world's session, which later checks still use.
  { method: 'POST', path: '/api/auth/logout', auth: false },
  { method: 'PATCH', path: '/api/auth/me', auth: true, body: () => ({ last_name: 'Er' }) },
  // Wrong passwords only: the right one would change the world's password or erase its account.
  {
    method: 'POST',
    path: '/api/auth/password',
    auth: true,
    body: () => ({ current_password: 'not the password', new_password: 'another long secret' }),
  },
  { method: 'DELETE', path: '/api/auth/me', auth: true, body: () => ({ password: 'not the password' }) },
  { method: 'GET', path: '/api/auth/me/export', auth: true },
  { method: 'GET', path: '/api/auth/sessions', auth: true },
  { method: 'DELETE', path: '/api/auth/sessions', auth: true },
  {
    method: 'DELETE',
    path: '/api/auth/sessions/{session_id}',
    auth: true,
    params: (_w, rng) => ({ session_id: rng.uuid() }),
  },
  { method: 'POST', path: '/api/children', auth: true, body: () => ({ ...aChild }) },
  { method: 'GET', path: '/api/children', auth: true },
  { method: 'GET', path: '/api/children/{child_id}', auth: true, params: (w) => ({ child_id: w.childId }) },
  {
    method: 'PATCH',
    path: '/api/children/{child_id}',
    auth: true,
    params: (w) => ({ child_id: w.childId }),
    body: () => ({ fav_shows: 'Bluey' }),
  },
  { method: 'DELETE', path: '/api/children/{child_id}', auth: true, params: (_w, rng) => ({ child_id: rng.uuid() }) },
  {
    method: 'GET',
    path: '/api/children/{child_id}/stories',
    auth: true,
    params: (w) => ({ child_id: w.childId }),
    query: () => 'limit=5',
  },
  {
    method: 'POST',
    path: '/api/stories',
    auth: true,
    body: (w) => ({
      child_id: w.childId,
      topic: 'a lost red balloon',
      story_genre: 'Adventure',
      image_style: 'Watercolor',
    }),
  },
  { method: 'GET', path: '/api/stories/{story_id}', auth: true, params: (w) => ({ story_id: w.storyId }) },
  { method: 'GET', path: '/api/stories/{story_id}/book.pdf', auth: true, params: (w) => ({ story_id: w.storyId }) },
  { method: 'GET', path: '/api/stories/{story_id}/book.epub', auth: true, params: (w) => ({ story_id: w.storyId }) },
  { method: 'DELETE', path: '/api/stories/{story_id}', auth: true, params: (_w, rng) => ({ story_id: rng.uuid() }) },
  { method: 'POST', path: '/api/stories/{story_id}/retry', auth: true, params: (w) => ({ story_id: w.storyId }) },
  {
    method: 'POST',
    path: '/api/stories/{story_id}/cancel',
    auth: true,
    params: (_w, rng) => ({ story_id: rng.uuid() }),
  },
  {
    method: 'POST',
    path: '/api/stories/{story_id}/report',
    auth: true,
    params: (w) => ({ story_id: w.storyId }),
    body: () => ({ reason: 'frightening', note: 'the owl was scary' }),
  },
  {
    method: 'POST',
    path: '/api/stories/{story_id}/chapters/{number}/image',
    auth: true,
    params: (w) => ({ story_id: w.storyId, number: '1' }),
  },
  {
    method: 'POST',
    path: '/api/stories/{story_id}/chapters/{number}/audio',
    auth: true,
    params: (w) => ({ story_id: w.storyId, number: '1' }),
  },
  { method: 'GET', path: '/api/jobs/{job_id}', auth: true, params: (w) => ({ job_id: w.jobId }) },
  { method: 'POST', path: '/api/jobs/{job_id}/events-token', auth: true, params: (w) => ({ job_id: w.jobId }) },
  // Only ever sent with an id that is no job of this parent's, or without valid credentials: a real one would stream.
  {
    method: 'GET',
    path: '/api/jobs/{job_id}/events',
    auth: true,
    stream: true,
    params: (_w, rng) => ({ job_id: rng.uuid() }),
  },
  {
    method: 'GET',
    path: '/api/media/{key}',
    auth: false,
    params: (_w, rng) => ({ key: encodeURIComponent(aMediaKey(rng)) }),
    query: (_w, rng) => new URL(mediaRoute.url(aMediaKey(rng)), 'http://x').search.slice(1),
  },
  { method: 'GET', path: '/health/live', auth: false },
  { method: 'GET', path: '/health/ready', auth: false },
]

const routeKey = (method: string, path: string) => `${method.toUpperCase()} ${path}`

function buildUrl(route: Route, params: Record<string, string>, query?: string): string {
  const path = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => params[name] ?? '')
  return query === undefined ? path : `${path}?${query}`
}

// ---------------------------------------------------------------------------------------------
// Building the cases.

interface Case {
  route: string
  label: string
  method: string
  url: string
  headers: Record<string, string>
  payload?: string
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
function forge(payload: object, secret = TEST_SECRET, header: object = { alg: 'HS256', typ: 'JWT' }) {
  const unsigned = `${base64url(header)}.${base64url(payload)}`
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`
}

function authVariants(w: World): Array<[label: string, value: string | undefined]> {
  const now = Math.floor(Date.now() / 1000)
  return [
    ['none', undefined],
    ['empty', ''],
    ['scheme only', 'Bearer'],
    ['scheme and space', 'Bearer '],
    ['garbage', 'Bearer x'],
    ['100 KB', `Bearer ${KB100}`],
    ['lower-case scheme', `bearer ${w.token}`],
    ['no scheme', w.token],
    ['basic', 'Basic dXNlcjpwYXNzd29yZA=='],
    [
      'alg none',
      `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: w.parentId, iat: now, exp: now + 3600 })}.`,
    ],
    [
      'wrong secret',
      `Bearer ${forge({ sub: w.parentId, iat: now, exp: now + 3600 }, 'another-secret-another-secret-another')}`,
    ],
    ['expired', `Bearer ${forge({ sub: w.parentId, iat: now - 7200, exp: now - 3600 })}`],
    ['tampered', `Bearer ${w.token.slice(0, -3)}${w.token.endsWith('AAA') ? 'BBB' : 'AAA'}`],
    ['trailing junk', `Bearer ${w.token}.x`],
    ['sql in token', "Bearer ' OR 1=1--"],
    ['traversal in token', 'Bearer ../../etc/passwd'],
    ['HS512 header', `Bearer ${forge({ sub: w.parentId }, TEST_SECRET, { alg: 'HS512', typ: 'JWT' })}`],
    ['json token', `Bearer ${JSON.stringify({ sub: w.parentId })}`],
    ['non-ascii', 'Bearer ключ'],
    ['two tokens', `Bearer ${w.token} Bearer ${w.token}`],
  ]
}

function buildCases(w: World, rng: Rng): Case[] {
  const cases: Case[] = []
  const json = { 'content-type': 'application/json' }
  const authed = (route: Route): Record<string, string> => (route.auth ? { ...w.headers } : {})
  const validParams = (route: Route) => route.params?.(w, rng) ?? {}
  const validQuery = (route: Route) => route.query?.(w, rng)
  const validBody = (route: Route) => (route.body ? JSON.stringify(route.body(w, rng)) : undefined)
  const add = (
    route: Route,
    label: string,
    parts: {
      params?: Record<string, string>
      query?: string
      headers?: Record<string, string>
      payload?: string
      method?: string
    },
  ) => {
    const params = { ...validParams(route), ...parts.params }
    const query = parts.query ?? validQuery(route)
    const bodyHeaders = route.body && parts.payload === undefined ? json : {}
    cases.push({
      route: routeKey(route.method, route.path),
      label,
      method: parts.method ?? route.method,
      url: buildUrl(route, params, query),
      headers: { ...authed(route), ...bodyHeaders, ...parts.headers },
      payload: parts.payload ?? validBody(route),
    })
  }

  for (const route of ROUTES) {
    const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)

    // 1. Every hostile segment in every path parameter.
    for (const name of names) {
      const values = name === 'number' ? CHAPTER_NUMBERS : hostileSegments(rng)
      for (const value of values) add(route, `param ${name}=${value.slice(0, 40)}`, { params: { [name]: value } })
    }

    // 2. Every field of a body replaced by every hostile value, the rest of the body valid.
    if (route.body) {
      const fields = Object.keys(route.body(w, rng))
      fields.forEach((field) => {
        for (const fragment of FIELD_FRAGMENTS) {
          const valid = route.body!(w, rng)
          const rest = Object.entries(valid)
            .filter(([key]) => key !== field)
            .map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`)
          const payload = `{${[...rest, `${JSON.stringify(field)}:${fragment}`].join(',')}}`
          add(route, `field ${field}=${fragment.slice(0, 30)}`, { payload, headers: json })
        }
      })
      // Extra keys that try prototype pollution, next to a valid body.
      for (const extra of [
        '"__proto__":{"polluted":true}',
        '"constructor":{"prototype":{"polluted":true}}',
        '"prototype":{"polluted":true}',
        '"parent_id":"00000000-0000-0000-0000-000000000000"',
        '"id":"x"',
      ]) {
        const valid = validBody(route)!
        add(route, `extra key ${extra.slice(0, 20)}`, { payload: `{${extra},${valid.slice(1)}`, headers: json })
      }
    }

    // 3. Whole bodies that are not the object expected, or not JSON, on every route that accepts a body.
    if (route.method !== 'GET') {
      for (const raw of RAW_BODIES)
        add(route, `raw body ${JSON.stringify(raw.slice(0, 20))}`, { payload: raw, headers: json })
      // 4. Other content types.
      for (const [type, body] of CONTENT_TYPES) {
        add(route, `content-type ${type.slice(0, 40)}`, {
          payload: body(validBody(route) ?? '{}'),
          headers: type ? { 'content-type': type } : {},
        })
      }
    } else {
      // A GET with a body it should not have.
      add(route, 'GET with a body', { payload: '{"a":1}', headers: json })
      add(route, 'GET with a text body', { payload: 'hello', headers: { 'content-type': 'text/plain' } })
    }

    // 5. Credentials (the stream route gets an id that is no job, so a token that passes answers 404, not a stream).
    if (route.auth) {
      for (const [label, value] of authVariants(w)) {
        const headers: Record<string, string> = { ...(route.body ? json : {}) }
        if (value !== undefined) headers.authorization = value
        const params = route.stream ? { job_id: rng.uuid() } : validParams(route)
        const query = validQuery(route)
        cases.push({
          route: routeKey(route.method, route.path),
          label: `auth ${label}`,
          method: route.method,
          url: buildUrl(route, params, query),
          headers,
          ...(route.body ? { payload: validBody(route)! } : {}),
        })
      }
    }

    // 6. Query strings.
    if (route.method === 'GET') {
      const queries =
        route.path.endsWith('/stories') || route.stream ? queryValues(rng) : rng.sample(queryValues(rng), 10)
      for (const query of queries) add(route, `query ${query.slice(0, 40)}`, { query })
    }
  }

  // The events stream: tokens in the query, and a Last-Event-ID, for the real (unfinished) job, with no bearer header.
  const events = ROUTES.find((r) => r.stream)!
  const now = Math.floor(Date.now() / 1000)
  for (const token of [
    '',
    'x',
    KB100.slice(0, 2000),
    KB100.slice(0, 2001),
    w.token,
    forge({ sub: w.parentId, scope: 'events', job: 'other' }),
    forge({ sub: w.parentId, scope: 'events', job: w.avatarJobId, exp: now - 10 }),
    forge({ sub: 7, scope: 'events', job: w.avatarJobId }),
    "' OR 1=1--",
    '%00',
    '%ED%A0%80',
  ]) {
    cases.push({
      route: routeKey(events.method, events.path),
      label: `events ?token=${token.slice(0, 20)}`,
      method: 'GET',
      url: `/api/jobs/${w.avatarJobId}/events?token=${token}`,
      headers: {},
    })
  }
  for (const lastEventId of ['-1', 'abc', '9'.repeat(30), "' OR 1=1--", 'x'.repeat(10_000)]) {
    add(events, `last-event-id ${lastEventId.slice(0, 20)}`, { headers: { 'last-event-id': lastEventId } })
  }

  // The signed media URL: signatures, expiries and keys.
  const media = ROUTES.find((r) => r.path.startsWith('/api/media'))!
  const signed = new URL(mediaRoute.url(aMediaKey(rng)), 'http://x')
  const [expires, sig] = [signed.searchParams.get('expires')!, signed.searchParams.get('sig')!]
  for (const query of [
    '',
    `expires=${expires}`,
    `sig=${sig}`,
    `expires=abc&sig=${sig}`,
    `expires=-1&sig=${sig}`,
    `expires=1e309&sig=${sig}`,
    `expires=${'9'.repeat(100_000)}&sig=${sig}`,
    `expires=9007199254740993&sig=${sig}`,
    `expires=${expires}&sig=`,
    `expires=${expires}&sig=${'A'.repeat(101)}`,
    `expires=${expires}&sig=${KB100}`,
    `expires=${expires}&sig=%00`,
    `expires=${expires}&sig=%ED%A0%80`,
    `expires=${expires}&sig=${sig}&sig=${sig}`,
    `expires=${expires}&expires=${expires}&sig=${sig}`,
    `expires=${expires}.5&sig=${sig}`,
    `expires=${expires}&sig=${encodeURIComponent("' OR 1=1--")}`,
    `expires=0&sig=${sig}`,
    `expires=${expires}&sig=${sig}&__proto__[polluted]=1`,
  ]) {
    add(media, `media query ${query.slice(0, 40)}`, { query })
  }
  // Hostile keys, each signed for itself, so only the key's validation stands in the way.
  for (const key of ['../../etc/passwd', "' OR 1=1--", '\u0000', 'A'.repeat(400), 'stories/%2e%2e/x', '/leading']) {
    const url = new URL(mediaRoute.url(key), 'http://x')
    cases.push({
      route: routeKey(media.method, media.path),
      label: `media signed hostile key ${key.slice(0, 20)}`,
      method: 'GET',
      url: `/api/media/${encodeURIComponent(key)}${url.search}`,
      headers: {},
    })
  }

  // Idempotency keys on the two routes that take them.
  for (const path of ['/api/children', '/api/stories']) {
    const route = ROUTES.find((r) => r.path === path && r.method === 'POST')!
    for (const key of [
      '',
      ' ',
      'x'.repeat(255),
      'x'.repeat(256),
      KB100,
      "' OR 1=1--",
      '../../etc/passwd',
      'ключ',
      '\t',
      `same-key-${rng.int(1e9)}`,
    ]) {
      add(route, `idempotency-key ${key.slice(0, 20)}`, { headers: { 'idempotency-key': key } })
    }
    // The same key with two different bodies.
    const key = `reused-${rng.uuid()}`
    add(route, 'idempotency-key first use', { headers: { 'idempotency-key': key }, payload: '{"bad":true}' })
    add(route, 'idempotency-key reused', { headers: { 'idempotency-key': key } })
  }

  // Request headers every route reads.
  for (const route of rng.sample(
    ROUTES.filter((r) => !r.stream),
    12,
  )) {
    for (const [name, value] of [
      ['x-request-id', 'x'.repeat(10_000)],
      ['x-request-id', "' OR 1=1--"],
      ['x-forwarded-for', "' OR 1=1--"],
      ['x-forwarded-for', 'x'.repeat(10_000)],
      ['x-forwarded-for', '999.999.999.999, ::ffff:127.0.0.1'],
      ['content-length', '99999999999'],
      ['content-encoding', 'gzip'],
      ['accept', 'application/xml'],
      ['origin', 'https://evil.example'],
      ['host', 'evil.example'],
      ['if-none-match', '"x"'],
      ['accept-encoding', 'br;q=1e309'],
    ] as const) {
      add(route, `header ${name}: ${value.slice(0, 20)}`, { headers: { [name]: value } })
    }
  }

  // Routes and methods that do not exist, odd methods and paths, and the unlisted endpoints.
  for (const [method, url] of [
    ['PUT', '/api/children'],
    ['PATCH', '/api/stories'],
    ['TRACE', '/api/auth/me'],
    ['PUT', '/api/auth/me'],
    ['POST', '/api/jobs'],
    ['GET', '/api/../etc/passwd'],
    ['GET', '/api/%2e%2e/%2e%2e/etc/passwd'],
    ['GET', '//api//children'],
    ['GET', '/api/children/'],
    ['GET', '/API/CHILDREN'],
    ['GET', `/api/${KB100}`],
    ['GET', '/api/children%00'],
    ['GET', '/api/children;jsessionid=1'],
    ['GET', '/%ED%A0%80'],
    ['GET', '/metrics?x=%00'],
    ['GET', '/docs/json?x=%ED%A0%80'],
    ['HEAD', '/api/auth/me'],
    ['HEAD', `/api/children/${encodeURIComponent("' OR 1=1--")}`],
    ['HEAD', '/api/media/..%2F..%2Fetc%2Fpasswd'],
    ['OPTIONS', '/api/auth/login'],
    ['OPTIONS', '/api/stories'],
  ] as const) {
    cases.push({
      route: 'other',
      label: `${method} ${url.slice(0, 40)}`,
      method,
      url,
      headers: { ...w.headers, origin: 'https://evil.example', 'access-control-request-method': 'DELETE' },
    })
  }

  return rng.shuffle(cases)
}

/** The routes of `printRoutes({ commonPrefix: false })`: each node's path is its ancestors' segments joined. */
function parseRouteTree(tree: string): Array<{ method: string; path: string }> {
  const routes: Array<{ method: string; path: string }> = []
  const stack: string[] = []
  for (const line of tree.split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([^)]*)\))?$/.exec(line)
    if (!match) continue
    const depth = match[1]!.length / 4
    stack.length = depth
    stack.push(match[2]!)
    const path = stack.join('')
    for (const method of (match[3] ?? '')
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean))
      routes.push({ method, path })
  }
  return routes
}

// ---------------------------------------------------------------------------------------------

let app: App
let world: World

beforeAll(async () => {
  const { db } = await createTestDatabase()
  // No story limits, so hostile story requests get past them to the database.
  app = await buildTestApp(db, { STORIES_IN_FLIGHT_PER_PARENT: '0', STORIES_PER_DAY_PER_PARENT: '0' })
  const parent = await signUp(app, 'Fuzz')
  const created = await app.inject({ method: 'POST', url: '/api/children', headers: parent.headers, payload: aChild })
  const story = await app.inject({
    method: 'POST',
    url: '/api/stories',
    headers: parent.headers,
    payload: {
      child_id: created.json().child.id,
      topic: 'a fuzzy bear',
      story_genre: 'Fantasy',
      image_style: 'Cartoon',
    },
  })
  if (created.statusCode !== 201 || story.statusCode !== 202)
    throw new Error(`setup failed: ${created.body} ${story.body}`)
  world = {
    headers: parent.headers,
    token: parent.token,
    parentId: parent.parentId,
    childId: created.json().child.id,
    avatarJobId: created.json().avatar_job_id,
    storyId: story.json().story_id,
    jobId: story.json().job_id,
  }
})
afterAll(() => app?.close())

interface Outcome {
  case: Case
  status: number
  body: string
  contentType: string
}

async function send(c: Case, rng: Rng): Promise<Outcome | { case: Case; thrown: string }> {
  const options: InjectOptions = {
    method: c.method as InjectOptions['method'],
    url: c.url,
    headers: c.headers,
    remoteAddress: rng.ip(),
  }
  if (c.payload !== undefined) options.payload = c.payload
  let timer: NodeJS.Timeout | undefined
  try {
    // Unchecked here: the answers are held to the document below, where "other" (no route) is left out.
    const response = (await Promise.race([
      outsideTheDocument(app).inject(options),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)), REQUEST_TIMEOUT_MS)
      }),
    ])) as LightMyRequestResponse
    return {
      case: c,
      status: response.statusCode,
      body: response.body,
      contentType: String(response.headers['content-type'] ?? ''),
    }
  } catch (error) {
    return { case: c, thrown: (error as Error).message }
  } finally {
    clearTimeout(timer)
  }
}

/** Why a 4xx answer is not the one error shape, or undefined when it is. */
function shapeProblem(outcome: Outcome): string | undefined {
  if (outcome.case.method === 'HEAD')
    return outcome.contentType.startsWith('application/json')
      ? undefined
      : `HEAD answered ${outcome.contentType || 'no content type'}`
  let body: Record<string, unknown>
  try {
    body = JSON.parse(outcome.body)
  } catch {
    return `not JSON (${outcome.contentType}): ${outcome.body.slice(0, 200)}`
  }
  try {
    expectErrorShape(body, outcome.status)
  } catch (error) {
    return (error as Error).message.slice(0, 300)
  }
  const known = ERROR_CODES[body.code as keyof typeof ERROR_CODES]
  if (!known) return `unknown code ${String(body.code)}`
  if (known.status !== outcome.status)
    return `code ${String(body.code)} is a ${known.status}, answered ${outcome.status}`
  if (typeof body.error !== 'string' || typeof body.message !== 'string' || body.message === '')
    return `error and message must be non-empty strings: ${outcome.body.slice(0, 200)}`
  return undefined
}

describe('fuzzing every route with hostile input', () => {
  const outcomes: Outcome[] = []
  const thrown: Array<{ case: Case; thrown: string }> = []

  it('covers every route of the OpenAPI document', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, unknown>>
    }
    const documented = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => routeKey(method, path)),
    )
    const fuzzed = new Set(ROUTES.map((r) => routeKey(r.method, r.path)))
    expect(
      documented.filter((route) => !fuzzed.has(route)),
      'documented routes the fuzzer does not know',
    ).toEqual([])
    expect(
      [...fuzzed].filter((route) => !documented.includes(route)),
      'fuzzed routes that do not exist',
    ).toEqual([])
    // And the router has no route the document leaves out, but for the hidden ones (metrics, the docs themselves).
    const routed = parseRouteTree(app.printRoutes({ commonPrefix: false }))
      .filter(
        ({ method, path }) => !['HEAD', 'OPTIONS'].includes(method) && path !== '/metrics' && !path.startsWith('/docs'),
      )
      .map(({ method, path }) => routeKey(method, path.replace(/:(\w+)/g, '{$1}')))
    expect(routed.length).toBeGreaterThan(15)
    expect(
      routed.filter((route) => !fuzzed.has(route)),
      'routes the fuzzer does not know',
    ).toEqual([])
  })

  it('answers at least 300 hostile requests without a 5xx, every 4xx in the one error shape', async () => {
    const rng = createRng(SEED)
    const cases = buildCases(world, rng)
    for (const c of cases) {
      const outcome = await send(c, rng)
      if ('thrown' in outcome) thrown.push(outcome)
      else outcomes.push(outcome)
    }

    const histogram = new Map<number, number>()
    for (const o of outcomes) histogram.set(o.status, (histogram.get(o.status) ?? 0) + 1)
    const perRoute = new Map<string, number>()
    for (const o of outcomes) perRoute.set(o.case.route, (perRoute.get(o.case.route) ?? 0) + 1)
    const serverErrors = outcomes.filter((o) => o.status >= 500)
    const badShapes = outcomes
      .filter((o) => o.status >= 400 && o.status < 500)
      .map((o) => ({ o, problem: shapeProblem(o) }))
      .filter((x) => x.problem)
    // Every answer of a documented route has a documented status and a body its schema accepts.
    const undocumented = outcomes
      .filter((o) => o.case.route !== 'other')
      .map((o) => ({
        o,
        problem: documentViolation({
          method: o.case.method,
          url: o.case.url,
          status: o.status,
          contentType: o.contentType || undefined,
          body: o.body,
        }),
      }))
      .filter((x) => x.problem)
    // An error message that repeats kilobytes of the request back (a 100 KB path, say).
    const echoes = outcomes.filter((o) => o.status >= 400 && o.body.length > 2000 && o.case.method !== 'HEAD')
    const describeCase = (c: Case) =>
      `${c.method} ${c.url.slice(0, 120)}${c.url.length > 120 ? `… (${c.url.length} chars)` : ''} [${c.route}: ${c.label}]`

    console.log(
      [
        `fuzz: seed ${SEED}, ${outcomes.length + thrown.length} requests (${thrown.length} could not be sent)`,
        `status histogram: ${[...histogram]
          .sort(([a], [b]) => a - b)
          .map(([status, n]) => `${status}×${n}`)
          .join('  ')}`,
        `per route: ${[...perRoute]
          .sort()
          .map(([route, n]) => `${route} ${n}`)
          .join(' | ')}`,
        ...serverErrors.slice(0, 60).map((o) => `5xx ${o.status}: ${describeCase(o.case)} -> ${o.body.slice(0, 200)}`),
        ...badShapes.slice(0, 40).map(({ o, problem }) => `shape ${o.status}: ${describeCase(o.case)} -> ${problem}`),
        ...echoes
          .slice(0, 10)
          .map((o) => `echo ${o.status}: ${describeCase(o.case)} -> a ${o.body.length}-character answer`),
        ...undocumented.slice(0, 40).map(({ o, problem }) => `undocumented: ${describeCase(o.case)} -> ${problem}`),
        ...thrown.slice(0, 20).map((t) => `not sent: ${describeCase(t.case)} -> ${t.thrown}`),
      ].join('\n'),
    )

    expect(outcomes.length).toBeGreaterThanOrEqual(300)
    for (const route of ROUTES.map((r) => routeKey(r.method, r.path)))
      expect(perRoute.get(route) ?? 0, route).toBeGreaterThanOrEqual(10)
    // Requests the injector refuses to build never reach the app (listed above as "not sent"); none may hang.
    expect(
      thrown.filter((t) => /no answer within/.test(t.thrown)).map((t) => describeCase(t.case)),
      'requests that hung',
    ).toEqual([])
    expect(
      serverErrors.map((o) => `${o.status} ${describeCase(o.case)} -> ${o.body.slice(0, 160)}`),
      'answers with a 5xx',
    ).toEqual([])
    expect(
      badShapes.map(({ o, problem }) => `${o.status} ${describeCase(o.case)}: ${problem}`),
      '4xx answers not in the error shape',
    ).toEqual([])
    expect(
      undocumented.map(({ o, problem }) => `${describeCase(o.case)}: ${problem}`),
      'answers docs/openapi.json does not describe',
    ).toEqual([])
    expect(
      echoes.map((o) => `${o.status} ${describeCase(o.case)}: ${o.body.length} characters`),
      'error answers that echo kilobytes of input',
    ).toEqual([])
    expect(({} as Record<string, unknown>).polluted, 'Object.prototype was polluted').toBeUndefined()
  }, 300_000)

  it('is healthy afterwards: ready, a new parent can register and sign in, the old token and data still work', async () => {
    const ready = await app.inject({ method: 'GET', url: '/health/ready' })
    expect(ready.statusCode).toBe(200)
    expect(ready.json().status).toBe('ready')

    const email = `after-fuzz-${randomUUID()}@example.com`
    const registered = await app.inject({
      method: 'POST',
      url: '/api/auth/register',
      remoteAddress: '192.0.2.77',
      payload: { first_name: 'After', last_name: 'Fuzz', email, password: 'correct horse' },
    })
    expect(registered.statusCode, registered.body).toBe(201)
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: '192.0.2.77',
      payload: { email, password: 'correct horse' },
    })
    expect(login.statusCode, login.body).toBe(200)
    const me = await app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${login.json().access_token}` },
    })
    expect(me.json().parent.email).toBe(email)

    const child = await app.inject({ method: 'GET', url: `/api/children/${world.childId}`, headers: world.headers })
    expect(child.statusCode).toBe(200)
    expect(child.json().child.name).toBe('Mia')
    const story = await app.inject({ method: 'GET', url: `/api/stories/${world.storyId}`, headers: world.headers })
    expect(story.statusCode).toBe(200)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
