import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Type, { type Static } from 'typebox'
import { Value } from 'typebox/value'
import { MediaEnvProperties, mediaConfig } from './media-config.ts'
import { DEFAULT_THRESHOLDS_TEXT, parseThresholds } from './moderation-thresholds.ts'
import { queuesOf } from './worker-queues.ts'

const integer = (fallback: number, description: string, minimum = 0, maximum?: number) =>
  Type.Integer({ default: fallback, minimum, ...(maximum === undefined ? {} : { maximum }), description })
const text = (description: string, fallback?: string) =>
  Type.Optional(Type.String({ minLength: 1, description, ...(fallback === undefined ? {} : { default: fallback }) }))

/**
 * Every environment variable Dreamify reads, with its default and meaning. The README's
 * configuration table is checked against this list by the test suite.
 */
export const EnvSchema = Type.Object({
  NODE_ENV: Type.Enum(['development', 'test', 'production'], {
    default: 'development',
    description: '`production` refuses to start without JWT_SECRET',
  }),
  PORT: integer(3000, 'API port', 0, 65535),
  HOST: text('API bind address', '0.0.0.0'),
  PUBLIC_URL: text('absolute base URL put in front of image URLs (default: relative URLs)'),
  DATABASE_URL: text('Postgres connection string', 'postgres://postgres@127.0.0.1:5432/dreamify'),
  DATABASE_POOL_SIZE: integer(10, 'Postgres connections per process', 1, 500),
  REDIS_URL: text('Redis URL; a db index in the path is honoured', 'redis://127.0.0.1:6379'),
  QUEUE_PREFIX: text('BullMQ key prefix (use a `{hash tag}` for Redis Cluster)', 'dreamify'),
  JWT_SECRET: text('token signing secret (development: generated once into .dreamify/jwt-secret)'),
  JWT_EXPIRES_IN: Type.String({
    default: '15m',
    pattern: '^[0-9]+[smhd]?$',
    description: 'access token lifetime: seconds, or a number with s, m, h or d',
  }),
  SESSION_TTL_DAYS: integer(
    30,
    'absolute lifetime of a session (its refresh tokens), however often it is refreshed',
    1,
    3650,
  ),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    default: 'info',
    description: 'pino level',
  }),
  CORS_ORIGINS: Type.String({
    default: '',
    description: 'comma-separated allowlist of browser origins (empty: no cross-origin access)',
  }),
  BODY_LIMIT_BYTES: integer(65_536, 'largest accepted request body', 1024),
  TRUST_PROXY_HOPS: integer(
    0,
    'reverse proxies in front of the API whose X-Forwarded-For is trusted for client IPs (0 = none, so clients cannot spoof their IP)',
  ),
  GENERATION_PROVIDER: Type.Optional(
    Type.Enum(['fixtures', 'openai'], {
      description: '`openai` when OPENAI_API_KEY or OPENAI_BASE_URL is set, else `fixtures`',
    }),
  ),
  OPENAI_API_KEY: text('provider API key'),
  OPENAI_BASE_URL: text('any OpenAI-compatible server, e.g. http://localhost:11434/v1'),
  OPENAI_TEXT_MODEL: text('text model', 'gpt-5-mini'),
  OPENAI_IMAGE_MODEL: text('image model', 'gpt-image-1'),
  OPENAI_IMAGE_SIZE: text('image size', '1024x1024'),
  OPENAI_IMAGE_QUALITY: text('image quality (low, medium, high, auto)', 'medium'),
  OPENAI_TTS_MODEL: text('speech model for narration (/v1/audio/speech)', 'gpt-4o-mini-tts'),
  OPENAI_TIMEOUT_MS: integer(120_000, 'timeout of one provider call', 1000),
  OPENAI_IMAGE_REFERENCE: Type.Enum(['auto', 'off'], {
    default: 'auto',
    description:
      "`auto` draws each chapter with /v1/images/edits from the child's avatar where the server has it; `off` describes the child in words only",
  }),
  OPENAI_STRUCTURED_OUTPUT: Type.Boolean({
    default: true,
    description: 'ask for a json_schema answer; false uses the tagged plain-text format',
  }),
  FIXTURES_TEXT_MS: integer(3000, 'offline provider: total simulated text time'),
  FIXTURES_IMAGE_MS: integer(1500, 'offline provider: simulated time per image'),
  FIXTURES_SPEECH_MS: integer(0, 'offline provider: extra simulated time per narrated chapter'),
  STORY_CHAPTERS: integer(5, 'chapters per story', 1, 12),
  TEXT_CONCURRENCY: integer(4, 'text jobs at once per worker process', 1, 1000),
  IMAGE_CONCURRENCY: integer(8, 'image jobs at once per worker process', 1, 1000),
  VARIANT_CONCURRENCY: integer(2, 'image-variant jobs at once per worker process (CPU-bound: about its cores)', 1, 64),
  WORKER_QUEUES: Type.String({
    default: '',
    description:
      'comma-separated queues this worker process runs (empty: all); e.g. `image-variants` for a worker that only makes image variants',
  }),
  SPEECH_CONCURRENCY: integer(4, 'narration jobs at once per worker process', 1, 1000),
  SPEECH_REQUESTS_PER_MINUTE: integer(0, 'speech requests per minute across all workers (0 = none)'),
  TEXT_REQUESTS_PER_MINUTE: integer(0, 'text requests per minute across all workers (0 = none)'),
  IMAGES_PER_MINUTE: integer(0, 'images per minute across all workers (0 = none)'),
  STREAMING: Type.Boolean({
    default: true,
    description: 'stream the text and illustrate each chapter as soon as it is written',
  }),
  GENERATION_STRATEGY: Type.Enum(['stream', 'outline'], {
    default: 'stream',
    description:
      '`stream`: one streamed call writes the story; `outline`: plan first, then write and draw every chapter at once',
  }),
  IMAGE_URL_TTL_SECONDS: integer(3600, 'lifetime of signed image URLs', 60),
  STORIES_IN_FLIGHT_PER_PARENT: integer(3, 'stories queued or running per parent (0 = unlimited)'),
  STORIES_PER_DAY_PER_PARENT: integer(30, 'stories per parent per 24 h (0 = unlimited)'),
  LOGIN_ATTEMPTS_PER_15_MIN: integer(10, 'login attempts per IP and per account (0 = unlimited)'),
  REGISTRATIONS_PER_HOUR_PER_IP: integer(10, 'registrations per IP per hour (0 = unlimited)'),
  WORKER_METRICS_PORT: integer(9464, "a worker's own health and metrics port (0 = a free port)", 0, 65535),
  SHUTDOWN_TIMEOUT_MS: integer(10_000, 'how long SIGTERM waits for in-flight work', 100),
  MODERATION: Type.Enum(['auto', 'openai', 'local'], {
    default: 'auto',
    description:
      'who checks topics, story text and images: `openai` (/v1/moderations), `local` (offline word lists, English only) or `auto` (`openai` when the server has /v1/moderations, else `local`)',
  }),
  MODERATION_THRESHOLDS: Type.String({
    default: '',
    description: `per-category score limits for the \`openai\` moderator, \`category=score,…\` over the defaults (${DEFAULT_THRESHOLDS_TEXT})`,
  }),
  PROVIDER_SEES_CHILD_NAME: Type.Boolean({
    default: false,
    description: "send the child's real name to the text provider (default: a stand-in name, put back when saved)",
  }),
  ADMIN_USER: text('queue dashboard user (dashboard off when unset)'),
  ADMIN_PASSWORD: text('queue dashboard password'),
  ...MediaEnvProperties,
})

export type Env = Static<typeof EnvSchema>

export class ConfigError extends Error {
  readonly problems: string[]
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const DEFAULT_SECRET_FILE = resolve(repoRoot, '.dreamify/jwt-secret')

export interface LoadConfigOptions {
  /** where a development JWT secret is kept between restarts */
  secretFile?: string
}

/** Reads the environment once into one typed object, reporting every problem at once. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env, options: LoadConfigOptions = {}) {
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = source[key]
    if (value !== undefined && value.trim() !== '') raw[key] = value.trim()
  }
  // Value.Convert would turn "3.5" into 3 and "true" into 1 for an integer: check the text first.
  const problems: string[] = []
  for (const [name, schema] of Object.entries(EnvSchema.properties) as Array<[string, { type?: string }]>) {
    const value = raw[name] as string | undefined
    if (value === undefined) continue
    if (schema.type === 'integer' && !/^-?\d+$/.test(value))
      problems.push(`${name}: must be integer (got ${JSON.stringify(value)})`)
    if (schema.type === 'boolean' && !/^(true|false)$/i.test(value))
      problems.push(`${name}: must be boolean, true or false (got ${JSON.stringify(value)})`)
  }
  const env = Value.Convert(EnvSchema, Value.Default(EnvSchema, structuredClone(raw))) as Env
  for (const error of Value.Errors(EnvSchema, env)) {
    const name =
      error.instancePath.replace(/^\//, '') ||
      String((error.params as { requiredProperties?: string[] }).requiredProperties ?? '')
    if (!problems.some((p) => p.startsWith(`${name}:`)))
      problems.push(`${name}: ${error.message} (got ${JSON.stringify(raw[name] ?? null)})`)
  }
  if (env.ADMIN_USER !== undefined && env.ADMIN_PASSWORD === undefined)
    problems.push('ADMIN_PASSWORD: must be set when ADMIN_USER is set')
  if (env.JWT_SECRET !== undefined && env.JWT_SECRET.length < 32)
    problems.push('JWT_SECRET: must be at least 32 characters')
  if (env.JWT_SECRET === undefined && env.NODE_ENV === 'production')
    problems.push('JWT_SECRET: must be set when NODE_ENV=production')
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'OPENAI_BASE_URL', 'PUBLIC_URL'] as const) {
    const value = env[name]
    if (value !== undefined && !URL.canParse(value))
      problems.push(`${name}: must be a URL (got ${JSON.stringify(value)})`)
  }
  let moderationThresholds: Record<string, number> = {}
  try {
    moderationThresholds = parseThresholds(env.MODERATION_THRESHOLDS)
  } catch (error) {
    problems.push(`MODERATION_THRESHOLDS: ${(error as Error).message}`)
  }
  const media = mediaConfig(env, problems)
  const workerQueues = queuesOf(listOf(env.WORKER_QUEUES), problems)
  if (problems.length > 0) throw new ConfigError(problems)

  const provider = env.GENERATION_PROVIDER ?? (env.OPENAI_API_KEY || env.OPENAI_BASE_URL ? 'openai' : 'fixtures')
  return {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    http: {
      port: env.PORT,
      host: env.HOST!,
      publicUrl: env.PUBLIC_URL?.replace(/\/$/, '') ?? '',
      corsOrigins: listOf(env.CORS_ORIGINS),
      bodyLimit: env.BODY_LIMIT_BYTES,
      trustProxyHops: env.TRUST_PROXY_HOPS,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    },
    database: { url: env.DATABASE_URL!, poolSize: env.DATABASE_POOL_SIZE },
    redis: { url: env.REDIS_URL!, queuePrefix: env.QUEUE_PREFIX! },
    auth: {
      jwtSecret: env.JWT_SECRET ?? developmentSecret(options.secretFile ?? DEFAULT_SECRET_FILE),
      tokenTtlSeconds: parseDuration(env.JWT_EXPIRES_IN),
      sessionTtlDays: env.SESSION_TTL_DAYS,
      imageUrlTtlSeconds: env.IMAGE_URL_TTL_SECONDS,
    },
    generation: {
      provider,
      chapters: env.STORY_CHAPTERS,
      streaming: env.STREAMING,
      strategy: env.GENERATION_STRATEGY,
      openai: {
        apiKey: env.OPENAI_API_KEY ?? (env.OPENAI_BASE_URL ? 'not-needed' : undefined),
        baseURL: env.OPENAI_BASE_URL,
        textModel: env.OPENAI_TEXT_MODEL!,
        imageModel: env.OPENAI_IMAGE_MODEL!,
        imageSize: env.OPENAI_IMAGE_SIZE!,
        imageQuality: env.OPENAI_IMAGE_QUALITY!,
        ttsModel: env.OPENAI_TTS_MODEL!,
        timeoutMs: env.OPENAI_TIMEOUT_MS,
        structuredOutput: env.OPENAI_STRUCTURED_OUTPUT,
        imageReference: env.OPENAI_IMAGE_REFERENCE,
      },
      fixtures: { textMs: env.FIXTURES_TEXT_MS, imageMs: env.FIXTURES_IMAGE_MS, speechMs: env.FIXTURES_SPEECH_MS },
      providerSeesChildName: env.PROVIDER_SEES_CHILD_NAME,
    },
    moderation: { setting: env.MODERATION, thresholds: moderationThresholds },
    worker: {
      textConcurrency: env.TEXT_CONCURRENCY,
      imageConcurrency: env.IMAGE_CONCURRENCY,
      variantConcurrency: env.VARIANT_CONCURRENCY,
      /** the queues this process runs (WORKER_QUEUES) */
      queues: workerQueues,
      textRequestsPerMinute: env.TEXT_REQUESTS_PER_MINUTE,
      imagesPerMinute: env.IMAGES_PER_MINUTE,
      speechConcurrency: env.SPEECH_CONCURRENCY,
      speechRequestsPerMinute: env.SPEECH_REQUESTS_PER_MINUTE,
      metricsPort: env.WORKER_METRICS_PORT,
    },
    limits: {
      storiesInFlightPerParent: env.STORIES_IN_FLIGHT_PER_PARENT,
      storiesPerDayPerParent: env.STORIES_PER_DAY_PER_PARENT,
      loginAttemptsPer15Min: env.LOGIN_ATTEMPTS_PER_15_MIN,
      registrationsPerHourPerIp: env.REGISTRATIONS_PER_HOUR_PER_IP,
    },
    media,
    admin: env.ADMIN_USER && env.ADMIN_PASSWORD ? { user: env.ADMIN_USER, password: env.ADMIN_PASSWORD } : null,
  }
}

export type Config = ReturnType<typeof loadConfig>

/** For process entry points: a configuration problem is a message and exit code 1, not a stack trace. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    process.exit(1)
  }
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const

function parseDuration(value: string): number {
  const unit = value.at(-1) as keyof typeof UNIT_SECONDS
  return unit in UNIT_SECONDS ? Number(value.slice(0, -1)) * UNIT_SECONDS[unit] : Number(value)
}

// A generated secret kept on disk, so development tokens survive restarts.
function developmentSecret(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  const secret = randomBytes(48).toString('base64url')
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, `${secret}\n`, { mode: 0o600 })
  return secret
}

/** A comma-separated setting's entries, trimmed, without empty ones. */
function listOf(setting: string): string[] {
  return setting
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
}
