/**
 * Starts the fake OpenAI server: `node packages/testkit/src/fake-openai-cli.ts [--port N]
 * [--tokens-per-second N] [--text-latency-ms N] [--image-latency-ms N] [--rate-429 F]
 * [--retry-after-seconds N] [--rate-500 F] [--rate-hang F] [--rate-malformed F]
 * [--rate-refusal F] [--rate-break-stream F] [--fail-next 429,hang] [--scope text|images|moderations|all]
 * [--seed N] [--api-key K] [--fixtures-dir D]`. Prints `{"url":…,"baseURL":…}` on one line
 * once listening; stops on SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util'
import type { FakeOpenAIOptions } from './fake-openai.ts'
import { startFakeOpenAI } from './fake-openai.ts'
import type { FaultKind, FaultOptions, FaultScope } from './faults.ts'

const NUMBERS = {
  port: 'port',
  'tokens-per-second': 'tokensPerSecond',
  'text-latency-ms': 'textLatencyMs',
  'image-latency-ms': 'imageLatencyMs',
  seed: 'seed',
} as const
const RATES = {
  'rate-429': 'rate429',
  'retry-after-seconds': 'retryAfterSeconds',
  'rate-500': 'rate500',
  'rate-hang': 'rateHang',
  'rate-malformed': 'rateMalformed',
  'rate-refusal': 'rateRefusal',
  'rate-break-stream': 'rateBreakStream',
} as const

export function parseCliOptions(argv: string[]): FakeOpenAIOptions {
  const names = [
    ...Object.keys(NUMBERS),
    ...Object.keys(RATES),
    'fail-next',
    'scope',
    'api-key',
    'fixtures-dir',
    'host',
  ]
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(names.map((n) => [n, { type: 'string' }])),
    strict: true,
  })
  const num = (key: string): number => {
    const n = Number(values[key])
    if (!Number.isFinite(n)) throw new Error(`--${key} must be a number`)
    return n
  }
  const options: FakeOpenAIOptions = {}
  const faults: FaultOptions = {}
  for (const [flag, key] of Object.entries(NUMBERS)) if (values[flag] !== undefined) options[key] = num(flag)
  for (const [flag, key] of Object.entries(RATES)) if (values[flag] !== undefined) faults[key] = num(flag)
  if (Object.keys(faults).length) options.faults = faults
  if (typeof values['fail-next'] === 'string')
    options.failNext = values['fail-next'].split(',').filter(Boolean) as FaultKind[]
  if (typeof values.scope === 'string') options.scope = values.scope as FaultScope
  if (typeof values['api-key'] === 'string') options.apiKey = values['api-key']
  if (typeof values['fixtures-dir'] === 'string') options.fixturesDir = values['fixtures-dir']
  if (typeof values.host === 'string') options.host = values.host
  return options
}

const server = await startFakeOpenAI(parseCliOptions(process.argv.slice(2)))
process.stdout.write(`${JSON.stringify({ url: server.url, baseURL: server.baseURL })}\n`)
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0))
  })
}
