import { randomBytes } from 'node:crypto'
import { closeQueues, createQueues, createRedis } from '@dreamify/core'
import type { Db } from '@dreamify/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, expectErrorShape, holdToDocument, testConfig } from '../../../test/support/api.ts'
import { createTestDatabase } from '../../../test/support/database.ts'
import { createTestQueues } from '../../../test/support/queues.ts'
import { type App, buildApp } from '../src/app.ts'

let db: Db
let loginApp: App
let loginPrefix: string
let registerApp: App
let unlimitedApp: App

beforeAll(async () => {
  ;({ db } = await createTestDatabase())
  // Built by hand (not buildTestApp) to know its prefix and look at the counters in Redis.
  const { redis, queues, prefix } = createTestQueues()
  loginPrefix = prefix
  loginApp = holdToDocument(
    await buildApp({
      config: testConfig({
        QUEUE_PREFIX: prefix,
        LOGIN_ATTEMPTS_PER_15_MIN: '3',
        REGISTRATIONS_PER_HOUR_PER_IP: '0',
        TRUST_PROXY_HOPS: '1',
      }),
      db,
      queues,
      redis,
    }),
  )
  registerApp = await buildTestApp(db, { LOGIN_ATTEMPTS_PER_15_MIN: '0', REGISTRATIONS_PER_HOUR_PER_IP: '2' })
  unlimitedApp = await buildTestApp(db, { LOGIN_ATTEMPTS_PER_15_MIN: '0', REGISTRATIONS_PER_HOUR_PER_IP: '0' })
})
afterAll(async () => {
  await Promise.all([loginApp?.close(), registerApp?.close(), unlimitedApp?.close()])
})

let counter = 0
const newEmail = () => `limits-${process.pid}-${Date.now()}-${counter++}@example.com`
// Each test uses addresses of its own, so the per-IP counters of one test never touch another's.
let ipCounter = 0
const newIp = () => `10.0.${Math.floor(ipCounter / 250)}.${(ipCounter++ % 250) + 1}`

const register = (app: App, email: string, remoteAddress: string, payload: object = {}) =>
  app.inject({
    method: 'POST',
    url: '/api/auth/register',
    remoteAddress,
    payload: { first_name: 'Lim', last_name: 'Its', email, password: 'correct horse', ...payload },
  })
const login = (
  app: App,
  email: string,
  password: string,
  remoteAddress: string,
  headers: Record<string, string> = {},
) => app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, headers, payload: { email, password } })

async function account(app: App) {
  const email = newEmail()
  const response = await register(app, email, newIp())
  if (response.statusCode !== 201) throw new Error(`register: ${response.body}`)
  return email
}

function expectRateLimited(response: Awaited<ReturnType<typeof login>>, maxSeconds: number) {
  expectErrorShape(response.json(), 429, 'RATE_LIMITED')
  const retryAfter = Number(response.headers['retry-after'])
  expect(Number.isInteger(retryAfter)).toBe(true)
  expect(retryAfter).toBeGreaterThanOrEqual(1)
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds)
}

describe('login attempts (LOGIN_ATTEMPTS_PER_15_MIN=3)', () => {
  it('refuses the 4th failed attempt on one account with 429 and Retry-After, from any IP, even with the right password', async () => {
    const email = await account(loginApp)
    for (let i = 0; i < 3; i++) {
      expectErrorShape((await login(loginApp, email, 'wrong horse', newIp())).json(), 401, 'INVALID_CREDENTIALS')
    }
    expectRateLimited(await login(loginApp, email, 'wrong horse', newIp()), 900)
    // The account is locked for the window, whatever the address and even for the right password.
    expectRateLimited(await login(loginApp, email.toUpperCase(), 'correct horse', newIp()), 900)
    // A forwarded address (spoofable unless TRUST_PROXY_HOPS says otherwise) does not escape the account limit.
    expectRateLimited(await login(loginApp, email, 'correct horse', newIp(), { 'x-forwarded-for': '203.0.113.7' }), 900)
    // Another account is not affected.
    const other = await account(loginApp)
    expect((await login(loginApp, other, 'correct horse', newIp())).statusCode).toBe(200)
  })

  it('counts unknown emails the same way, so a 429 does not tell which accounts exist', async () => {
    const nobody = newEmail()
    for (let i = 0; i < 3; i++) expect((await login(loginApp, nobody, 'guess', newIp())).statusCode).toBe(401)
    expectRateLimited(await login(loginApp, nobody, 'guess', newIp()), 900)
  })

  it('never locks a parent out by their own successes: a success clears the failures', async () => {
    const email = await account(loginApp)
    for (let i = 0; i < 6; i++) expect((await login(loginApp, email, 'correct horse', newIp())).statusCode).toBe(200)
    for (let i = 0; i < 2; i++) expect((await login(loginApp, email, 'wrong horse', newIp())).statusCode).toBe(401)
    expect((await login(loginApp, email, 'correct horse', newIp())).statusCode).toBe(200)
    // The two failures before the success no longer count: three more fail normally, the fourth is refused.
    for (let i = 0; i < 3; i++) expect((await login(loginApp, email, 'wrong horse', newIp())).statusCode).toBe(401)
    expectRateLimited(await login(loginApp, email, 'correct horse', newIp()), 900)
  })

  it('limits every attempt per IP across different accounts', async () => {
    const ip = newIp()
    const accounts = [
      await account(loginApp),
      await account(loginApp),
      await account(loginApp),
      await account(loginApp),
    ]
    expect((await login(loginApp, accounts[0]!, 'correct horse', ip)).statusCode).toBe(200)
    expect((await login(loginApp, accounts[1]!, 'wrong horse', ip)).statusCode).toBe(401)
    expect((await login(loginApp, newEmail(), 'wrong horse', ip)).statusCode).toBe(401)
    expectRateLimited(await login(loginApp, accounts[3]!, 'correct horse', ip), 900)
    // Invalid bodies from that address are refused too (counted before the body is read).
    expectRateLimited(
      await loginApp.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: ip, payload: {} }),
      900,
    )
    // Another address is not affected, and the fourth account was never tried.
    expect((await login(loginApp, accounts[3]!, 'correct horse', newIp())).statusCode).toBe(200)
  })

  it('ignores x-forwarded-for unless TRUST_PROXY_HOPS says a proxy is in front, so clients cannot spoof their address', async () => {
    const ip = newIp()
    for (let i = 0; i < 2; i++) {
      const response = await registerApp.inject({
        method: 'POST',
        url: '/api/auth/register',
        remoteAddress: ip,
        headers: { 'x-forwarded-for': newIp() },
        payload: { first_name: 'Spo', last_name: 'Of', email: newEmail(), password: 'correct horse' },
      })
      expect(response.statusCode).toBe(201)
    }
    const third = await registerApp.inject({
      method: 'POST',
      url: '/api/auth/register',
      remoteAddress: ip,
      headers: { 'x-forwarded-for': newIp() },
      payload: { first_name: 'Spo', last_name: 'Of', email: newEmail(), password: 'correct horse' },
    })
    expectErrorShape(third.json(), 429, 'RATE_LIMITED')
  })

  it('takes the client address from x-forwarded-for behind a trusted proxy (TRUST_PROXY_HOPS=1)', async () => {
    const proxy = newIp()
    const client = '198.51.100.23'
    for (let i = 0; i < 3; i++) {
      expect((await login(loginApp, newEmail(), 'x', proxy, { 'x-forwarded-for': client })).statusCode).toBe(401)
    }
    expectRateLimited(await login(loginApp, newEmail(), 'x', proxy, { 'x-forwarded-for': client }), 900)
    // The same proxy forwarding another client is still let through.
    expect((await login(loginApp, newEmail(), 'x', proxy, { 'x-forwarded-for': '198.51.100.24' })).statusCode).toBe(401)
  })

  it('keeps the counters in Redis under the queue prefix, expiring with the 15-minute window', async () => {
    await login(loginApp, newEmail(), 'x', newIp())
    const redis = createRedis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0', 'producer', {
      enableOfflineQueue: true,
    })
    try {
      const keys = await redis.keys(`${loginPrefix}:ratelimit:*`)
      expect(keys.some((key) => key.startsWith(`${loginPrefix}:ratelimit:login-ip:`))).toBe(true)
      expect(keys.some((key) => key.startsWith(`${loginPrefix}:ratelimit:login-account:`))).toBe(true)
      // Neither addresses nor emails are stored in the clear.
      expect(keys.join()).not.toMatch(/@|10\.\d+\.\d+\.\d+/)
      for (const key of keys) {
        const ttl = await redis.pttl(key)
        expect(ttl, key).toBeGreaterThan(0)
        expect(ttl, key).toBeLessThanOrEqual(15 * 60_000)
      }
    } finally {
      redis.disconnect()
    }
  })
})

describe('registrations (REGISTRATIONS_PER_HOUR_PER_IP=2)', () => {
  it('refuses the third registration from one IP with 429 and Retry-After; other IPs are unaffected', async () => {
    const ip = newIp()
    expect((await register(registerApp, newEmail(), ip)).statusCode).toBe(201)
    expect((await register(registerApp, newEmail(), ip)).statusCode).toBe(201)
    const third = await register(registerApp, newEmail(), ip)
    expectRateLimited(third, 3600)
    expect((await register(registerApp, newEmail(), newIp())).statusCode).toBe(201)
    // Logins are a separate limit (0 here) and keep working from the limited address.
    expect((await login(registerApp, newEmail(), 'x', ip)).statusCode).toBe(401)
  })

  it('counts every attempt, including rejected ones', async () => {
    const ip = newIp()
    expectErrorShape((await register(registerApp, 'not-an-email', ip)).json(), 400, 'VALIDATION_FAILED')
    expect((await register(registerApp, newEmail(), ip)).statusCode).toBe(201)
    expectRateLimited(await register(registerApp, newEmail(), ip), 3600)
  })
})

describe('0 = unlimited', () => {
  it('lets any number of logins and registrations through', async () => {
    const ip = newIp()
    const email = newEmail()
    for (let i = 0; i < 12; i++)
      expect((await register(unlimitedApp, i === 0 ? email : newEmail(), ip)).statusCode).toBe(201)
    for (let i = 0; i < 15; i++) expect((await login(unlimitedApp, email, 'wrong horse', ip)).statusCode).toBe(401)
    expect((await login(unlimitedApp, email, 'correct horse', ip)).statusCode).toBe(200)
  })
})

describe('Redis unavailable', () => {
  // Records what the app logs at warn.
  const warnings: string[] = []
  const ignore = () => {}
  const logger: any = {
    level: 'warn',
    fatal: ignore,
    error: ignore,
    info: ignore,
    debug: ignore,
    trace: ignore,
    silent: ignore,
    warn: (_object: unknown, message?: string) => warnings.push(String(message)),
    child: () => logger,
  }
  let downApp: App
  let downRedis: ReturnType<typeof createRedis>
  let downQueues: ReturnType<typeof createQueues>
  beforeAll(async () => {
    // Nothing listens on port 1: every Redis command fails at once (the producer has no offline queue).
    const url = 'redis://127.0.0.1:1'
    const prefix = `dreamify-test-${randomBytes(5).toString('hex')}`
    downRedis = createRedis(url, 'producer')
    downQueues = createQueues(downRedis, prefix)
    for (const queue of Object.values(downQueues)) queue.on('error', () => {})
    const config = testConfig({
      REDIS_URL: url,
      QUEUE_PREFIX: prefix,
      LOGIN_ATTEMPTS_PER_15_MIN: '1',
      REGISTRATIONS_PER_HOUR_PER_IP: '1',
    })
    downApp = holdToDocument(await buildApp({ config, db, queues: downQueues, redis: downRedis, logger }))
  })
  afterAll(async () => {
    await downApp?.close()
    await closeQueues(downQueues).catch(() => {})
    downRedis?.disconnect()
  })

  it('fails open: registration and login keep working on Postgres alone', async () => {
    const ip = newIp()
    const email = newEmail()
    const started = Date.now()
    expect((await register(downApp, email, ip)).statusCode).toBe(201)
    expect((await register(downApp, newEmail(), ip)).statusCode).toBe(201)
    for (let i = 0; i < 3; i++)
      expectErrorShape((await login(downApp, email, 'wrong horse', ip)).json(), 401, 'INVALID_CREDENTIALS')
    const ok = await login(downApp, email, 'correct horse', ip)
    expect(ok.statusCode).toBe(200)
    expect(ok.json().access_token).toEqual(expect.any(String))
    // Failing open is quick: no request waited on Redis.
    expect(Date.now() - started).toBeLessThan(5000)
    expect(
      warnings.filter((message) => /Redis is unavailable \(failing open\)/.test(message)).length,
    ).toBeGreaterThanOrEqual(7)
  })
})
