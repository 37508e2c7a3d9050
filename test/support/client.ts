// The HTTP client lives in the testkit, shared with the benchmarks and the demo.
export { ApiClient } from '@dreamify/testkit'
