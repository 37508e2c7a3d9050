import type { ServerResponse } from 'node:http'

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
