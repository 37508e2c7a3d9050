// Helpers for the benchmarks: real API and worker processes, an HTTP client, Postgres and Redis
// housekeeping, and /proc readings. What they share with the tests (spawning our processes, the
// HTTP client, waitFor, deleting keys) is in @dreamify/testkit; this adds the bench's side.
// One file per part; the benchmarks import from here.
export { ADMIN_URL, aStory, BENCH_SECRET, DATABASE_URL, REDIS_URL, ROOT, sleep, waitFor } from './constants.ts'
export {
  createPool,
  databaseCounters,
  deleteKeys,
  newPrefix,
  resetData,
  type StoryJobTally,
  storiesThrough,
  storyDurations,
  tallyStoryJobs,
  waitForStories,
} from './data.ts'
export { ApiClient, parents, postStories } from './http.ts'
export { type LoadResult, load, type RunnerOptions, stopLive } from './load.ts'
export { percentile, round } from './numbers.ts'
export {
  cpuMeter,
  cpuTicksOf,
  diffProbe,
  loadAverage,
  type ProbeSnapshot,
  probe,
  rssOf,
  TICK_MS,
} from './proc.ts'
export {
  type Api,
  killAll,
  lastServices,
  onFakeProvider,
  type Service,
  type StartOptions,
  type StepStats,
  startApi,
  startProcess,
  startWorker,
  startWorkers,
  stopAll,
} from './processes.ts'
export {
  type BenchContext,
  backendCpu,
  backendCpuSeconds,
  backgroundLoad,
  coresOf,
  cpuCount,
  describeCpu,
  describeMessages,
  queueEventCounts,
  sampleDatabaseWaits,
  waitForAvatars,
} from './readings.ts'
