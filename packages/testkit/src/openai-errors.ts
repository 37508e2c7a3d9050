import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FaultKind } from './faults.ts'

export interface OpenAIErrorBody {
  error: { message: string; type: string; code: string | null; param: string | null }
}

export function openAIError(
  message: string,
  type: string,
  code: string | null = null,
  param: string | null = null,
): OpenAIErrorBody {
  return { error: { message, type, code, param } }
}

export const ERRORS = {
  rateLimit: (retryAfterSeconds: number) =>
    openAIError(
      `Rate limit reached for requests. Please try again in ${retryAfterSeconds}s.`,
      'requests',
      'rate_limit_exceeded',
    ),
  server: () => openAIError('The server had an error while processing your request. Sorry about that!', 'server_error'),
  invalidApiKey: () =>
    openAIError(
      'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
      'invalid_request_error',
      'invalid_api_key',
    ),
  contentPolicy: () =>
    openAIError(
      'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.',
      'invalid_request_error',
      'content_policy_violation',
    ),
  badRequest: (message: string, param: string | null = null) =>
    openAIError(message, 'invalid_request_error', null, param),
  unsupported: (message: string) => openAIError(message, 'invalid_request_error', 'unsupported'),
  notFound: (method: string, path: string) => openAIError(`Invalid URL (${method} ${path})`, 'invalid_request_error'),
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

/** The 400 OpenAI answers when a required parameter is missing. */
export const sendMissing = (res: ServerResponse, param: string): void =>
  sendJson(res, 400, ERRORS.badRequest(`Missing required parameter: '${param}'.`, param))

/** A JSON answer, or (a `break` fault) the same answer cut off halfway. */
export function sendAnswer(res: ServerResponse, answer: unknown, fault: FaultKind | null): void {
  if (fault === 'break') sendTruncated(res, 'application/json', JSON.stringify(answer))
  else sendJson(res, 200, answer)
}

const MAX_BODY = 20 * 1024 * 1024

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) reject(new Error('body too large'))
      else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** Sends `text` with its full Content-Length but only half the bytes, then kills the socket. */
export function sendTruncated(res: ServerResponse, contentType: string, text: string): void {
  const bytes = Buffer.from(text)
  res.writeHead(200, { 'content-type': contentType, 'content-length': bytes.length })
  res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy())
}

/** Sends the error for an HTTP-level fault; returns false for faults the caller handles (malformed, break). */
export function sendFault(res: ServerResponse, fault: FaultKind, retryAfterSeconds = 1): boolean {
  const seconds = retryAfterSeconds
  switch (fault) {
    case '429': {
      sendJson(res, 429, ERRORS.rateLimit(seconds), {
        'retry-after': String(Math.ceil(seconds)),
        'retry-after-ms': String(Math.round(seconds * 1000)),
      })
      return true
    }
    case '500':
      sendJson(res, 500, ERRORS.server())
      return true
    case '401':
      sendJson(res, 401, ERRORS.invalidApiKey())
      return true
    case 'refusal':
      sendJson(res, 400, ERRORS.contentPolicy())
      return true
    case 'hang':
      return true // never answered: the client aborts, or close() destroys the socket
    default:
      return false
  }
}
