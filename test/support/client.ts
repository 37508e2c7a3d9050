// The HTTP client lives in the testkit, shared with the benchmarks and the demo; the tests' copy
// holds every answer it receives to docs/openapi.json.
import { type ApiClientOptions, ApiClient as PlainApiClient } from '@dreamify/testkit'
import { expectDocumented } from './openapi-conformance.ts'

export class ApiClient extends PlainApiClient {
  constructor(base: string, options: Omit<ApiClientOptions, 'onAnswer'> = {}) {
    super(base, {
      ...options,
      onAnswer: (method, url, answer) =>
        expectDocumented({
          method,
          url,
          status: answer.status,
          contentType: answer.headers.get('content-type') ?? undefined,
          body: answer.text,
        }),
    })
  }
}

/**
 * `fetch` for the API requests a test makes without the client (image bytes, an event stream),
 * held to the document the same way. An event stream's body is left unread: it may never end.
 */
export async function documentedFetch(url: string | URL, init?: RequestInit): Promise<Response> {
  const response = await fetch(url, init)
  const contentType = response.headers.get('content-type') ?? undefined
  const { pathname, search } = new URL(url)
  expectDocumented({
    method: init?.method ?? 'GET',
    url: `${pathname}${search}`,
    status: response.status,
    contentType,
    body: contentType?.startsWith('text/event-stream') ? '' : await response.clone().text(),
  })
  return response
}
