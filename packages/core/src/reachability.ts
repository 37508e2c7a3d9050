import { Redis } from 'ioredis'

// What a person sees when Postgres or Redis is not there: which one, where, and how to start it.
const HOW_TO_START = {
  postgres:
    'start it (Debian: pg_ctlcluster <version> main start; Docker: docker compose up -d postgres) or point DATABASE_URL at a running server',
  redis:
    'start it (redis-server --daemonize yes; Docker: docker compose up -d redis) or point REDIS_URL at a running server',
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(unparseable URL)'
  }
}

export function explainUnreachable(service: 'postgres' | 'redis', url: string, error: unknown): string {
  const reason = (error as Error | undefined)?.message ?? String(error)
  const name = service === 'postgres' ? 'Postgres' : 'Redis'
  return `dreamify: cannot reach ${name} at ${redactUrl(url)} (${reason}).\n  ${HOW_TO_START[service]}.`
}

/** One PING over a one-off connection that fails at once instead of waiting for Redis to come back. */
export async function pingRedis(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  })
  redis.on('error', () => {})
  try {
    await redis.connect()
    await redis.ping()
  } finally {
    redis.disconnect()
  }
}
