import pino, { type Logger, type LoggerOptions } from 'pino'

// Secrets and children's data never reach the logs: these paths are replaced wherever they appear
// in a logged object (request headers, job data, bodies logged at debug level).
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.current_password',
  '*.new_password',
  '*.refresh_token',
  '*.dreamify_refresh',
  '*.password_hash',
  '*.access_token',
  '*.token',
  '*.apiKey',
  '*.api_key',
  '*.name',
  '*.first_name',
  '*.last_name',
  '*.email',
  '*.topic',
  '*.prompt',
  '*.ethnicity',
  '*.fav_animals',
  '*.fav_activities',
  '*.fav_shows',
  '*.content',
]

// An event stream's short-lived token travels in the query string (EventSource cannot send headers).
const withoutTokens = (url: string | undefined) => url?.replace(/([?&](?:token|sig)=)[^&]*/g, '$1[redacted]')

export function loggerOptions(level: string, name: string): LoggerOptions {
  return {
    name,
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      req: (req: { method?: string; url?: string; headers?: Record<string, unknown>; ip?: string }) => ({
        method: req.method,
        url: withoutTokens(req.url),
        remoteAddress: req.ip,
      }),
    },
    // Pretty output only for a person at a terminal; JSON everywhere else.
    ...(process.stdout.isTTY && process.env.NODE_ENV !== 'production'
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } }
      : {}),
  }
}

/** `destination` is for tests that read what was logged. */
export function createLogger(level: string, name: string, destination?: { write: (line: string) => void }): Logger {
  return destination ? pino(loggerOptions(level, name), destination) : pino(loggerOptions(level, name))
}

export type { Logger }
