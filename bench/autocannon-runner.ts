// The load generator, in a process of its own so that it does not share the API's event loop
// (nor the bench's). Usage: node bench/autocannon-runner.ts '<RunnerOptions as JSON>' | @<file with it>
// Prints one line of JSON: a LoadResult.
//
// mode 'autocannon' (default) runs autocannon. Note: with overallRate, autocannon lets each
// connection send its share of the second's requests back to back at the start of every second,
// then waits; so "1,000 req/s over 10 connections" is a burst of 10 concurrent request loops
// for a part of each second, not an even stream.
// mode 'paced' is an open-loop generator: request i is due at start + i/rate, sent over a pool
// of keep-alive connections, and its latency counts from when it was due (no coordinated omission).
import { readFileSync } from 'node:fs'
import { Agent, request as httpRequest } from 'node:http'
import { createRequire } from 'node:module'
import { performance } from 'node:perf_hooks'

export interface RunnerOptions {
  mode?: 'autocannon' | 'paced'
  url: string
  method?: string
  connections: number
  /** seconds */
  duration: number
  /** requests per second over all connections (autocannon's overallRate; the pace in 'paced' mode) */
  overallRate?: number
  headers?: Record<string, string>
  body?: string
  /** requests rotate over these (headers are merged over `headers`; a path replaces the url's) */
  variants?: Array<{ headers?: Record<string, string>; body?: string; path?: string }>
}

export interface LoadResult {
  mode: string
  requests: number
  durationS: number
  rps: number
  latency: { mean: number; p50: number; p90: number; p99: number; max: number }
  non2xx: number
  errors: number
  timeouts: number
  statusCodes: Record<string, number>
  /** CPU the load generator itself used, in ms */
  generatorCpuMs?: number
  /** paced mode: how late requests left the generator (its own hiccups, which count in the latency) */
  sendLagMs?: { p99: number; max: number }
}

interface AutocannonResult {
  duration: number
  errors: number
  timeouts: number
  non2xx: number
  statusCodeStats: Record<string, { count: number }>
  latency: { mean: number; p50: number; p90: number; p99: number; max: number }
  requests: { total: number; average: number }
}

type Autocannon = (
  opts: Record<string, unknown>,
  done: (error: Error | null, result: AutocannonResult) => void,
) => unknown

const require = createRequire(import.meta.url)

function runAutocannon(options: RunnerOptions): Promise<LoadResult> {
  const autocannon = require('autocannon') as Autocannon
  const variants = options.variants ?? []
  let next = 0
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: options.url,
        method: options.method ?? 'GET',
        connections: options.connections,
        duration: options.duration,
        ...(options.overallRate ? { overallRate: options.overallRate } : {}),
        headers: options.headers ?? {},
        ...(options.body === undefined ? {} : { body: options.body }),
        ...(variants.length
          ? {
              requests: [
                {
                  setupRequest: (req: Record<string, unknown>) => {
                    const variant = variants[next++ % variants.length]!
                    return {
                      ...req,
                      headers: { ...(req.headers as object), ...variant.headers },
                      ...(variant.body === undefined ? {} : { body: variant.body }),
                      ...(variant.path === undefined ? {} : { path: variant.path }),
                    }
                  },
                },
              ],
            }
          : {}),
      },
      (error, result) => {
        if (error) return reject(error)
        const statusCodes: Record<string, number> = {}
        for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = count
        resolve({
          mode: 'autocannon',
          requests: result.requests.total,
          durationS: result.duration,
          rps: result.requests.total / result.duration,
          latency: {
            mean: result.latency.mean,
            p50: result.latency.p50,
            p90: result.latency.p90,
            p99: result.latency.p99,
            max: result.latency.max,
          },
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes,
        })
      },
    )
  })
}

function percentile(sorted: number[], p: number) {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

async function runPaced(options: RunnerOptions): Promise<LoadResult> {
  const rate = options.overallRate ?? 1000
  const total = Math.round(rate * options.duration)
  const url = new URL(options.url)
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections })
  const variants = options.variants ?? []
  const latencies: number[] = []
  const lags: number[] = []
  const statusCodes: Record<string, number> = {}
  let non2xx = 0
  let errors = 0
  let timeouts = 0
  let sent = 0
  let finished = 0
  const start = performance.now() + 50
  await new Promise<void>((done) => {
    const send = (due: number, i: number) => {
      lags.push(performance.now() - due)
      const variant: NonNullable<RunnerOptions['variants']>[number] = variants.length
        ? variants[i % variants.length]!
        : {}
      const body = variant.body ?? options.body
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: variant.path ?? url.pathname + url.search,
          method: options.method ?? 'GET',
          agent,
          headers: { ...options.headers, ...variant.headers },
          timeout: 10_000,
        },
        (res) => {
          res.resume()
          res.on('end', () => {
            const code = String(res.statusCode)
            statusCodes[code] = (statusCodes[code] ?? 0) + 1
            if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) non2xx++
            else latencies.push(performance.now() - due)
            if (++finished === total) done()
          })
        },
      )
      req.on('timeout', () => {
        timeouts++
        req.destroy(new Error('timeout'))
      })
      req.on('error', () => {
        errors++
        if (++finished === total) done()
      })
      req.end(body)
    }
    const timer = setInterval(() => {
      const now = performance.now()
      while (sent < total && start + (sent * 1000) / rate <= now) {
        send(start + (sent * 1000) / rate, sent)
        sent++
      }
      if (sent >= total) clearInterval(timer)
    }, 1)
  })
  const durationS = (performance.now() - start) / 1000
  agent.destroy()
  latencies.sort((a, b) => a - b)
  lags.sort((a, b) => a - b)
  const mean = latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length)
  return {
    mode: 'paced',
    sendLagMs: { p99: percentile(lags, 99), max: lags.at(-1) ?? Number.NaN },
    requests: finished,
    durationS,
    rps: finished / durationS,
    latency: {
      mean,
      p50: percentile(latencies, 50),
      p90: percentile(latencies, 90),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
    },
    non2xx,
    errors,
    timeouts,
    statusCodes,
  }
}

const argument = process.argv[2] ?? '{}'
const options = JSON.parse(
  argument.startsWith('@') ? readFileSync(argument.slice(1), 'utf8') : argument,
) as RunnerOptions
if (!options.url || !/^http:\/\/127\.0\.0\.1[:/]/.test(options.url)) {
  console.error('autocannon-runner: a url on http://127.0.0.1 is required')
  process.exit(2)
}
// Bounded: at most 120 s of load, whatever the caller asks.
options.duration = Math.min(120, Math.max(1, options.duration))
const cpuBefore = process.cpuUsage()
const result = options.mode === 'paced' ? await runPaced(options) : await runAutocannon(options)
const cpu = process.cpuUsage(cpuBefore)
result.generatorCpuMs = (cpu.user + cpu.system) / 1000
process.stdout.write(`${JSON.stringify(result)}\n`)
