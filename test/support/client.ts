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
