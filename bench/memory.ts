// 6. memory: one worker's resident memory after 100 stories and after 1,000 (the target), then
// after 2,000, which tells growth that levels off (a heap and allocator warming up) from a leak.
import { RUNTIME_ENV } from '@dreamify/core'
import type { Outcome } from './report.ts'
import {
  type BenchContext,
  parents,
  probe,
  round,
  rssOf,
  sleep,
  startApi,
  startWorker,
  storiesThrough,
  waitForAvatars,
} from './support/index.ts'

const FIRST = 100
const TOTAL = 1000
const PLATEAU = 2000
const SETTLE_MS = 2000
const PARENTS = 10
const MiB = 1024 * 1024

export async function memory({ pool, prefix, log }: BenchContext): Promise<Outcome> {
  const api = await startApi({ QUEUE_PREFIX: prefix })
  const worker = await startWorker(
    {
      QUEUE_PREFIX: prefix,
      FIXTURES_TEXT_MS: '0',
      FIXTURES_IMAGE_MS: '0',
      STREAMING: 'true',
      TEXT_CONCURRENCY: '20',
      IMAGE_CONCURRENCY: '50',
    },
    { probe: true },
  )
  const clients = await parents(api.url, PARENTS)
  await waitForAvatars(pool)
  await sleep(SETTLE_MS)
  const rssStart = rssOf(worker.pid)
  // RSS is sampled while the stories run too, to show the peak.
  let peak = rssStart
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, rssOf(worker.pid))
    } catch {}
  }, 250)

  await storiesThrough(pool, clients, FIRST, { concurrency: 16, timeoutMs: 120_000 })
  await sleep(SETTLE_MS)
  const rss100 = rssOf(worker.pid)
  log(`  after ${FIRST} stories: RSS ${round(rss100 / MiB, 1)} MiB`)
  // Diagnostics, after the RSS reading: the V8 heap once garbage is collected.
  const heap100 = await probe(worker, { gc: true })
  const { tally } = await storiesThrough(pool, clients, TOTAL - FIRST, { concurrency: 16, timeoutMs: 300_000 })
  await sleep(SETTLE_MS)
  const rss1000 = rssOf(worker.pid)
  clearInterval(sampler)
  log(`  after ${TOTAL} stories: RSS ${round(rss1000 / MiB, 1)} MiB`)
  const heap = await probe(worker, { gc: true })
  await storiesThrough(pool, clients, PLATEAU - TOTAL, { concurrency: 16, timeoutMs: 300_000 })
  await sleep(SETTLE_MS)
  const rss2000 = rssOf(worker.pid)
  log(`  after ${PLATEAU} stories: RSS ${round(rss2000 / MiB, 1)} MiB`)
  await worker.stop()
  await api.stop()

  const growth = (rss1000 - rss100) / rss100
  return {
    setup: `One worker (TEXT_CONCURRENCY 20, IMAGE_CONCURRENCY 50, STREAMING=true, fixtures at zero latency) and the API; ${FIRST} stories, then ${TOTAL - FIRST} more. RSS is VmRSS from /proc/<pid>/status, read ${SETTLE_MS / 1000} s after each batch finished; then ${PLATEAU - TOTAL} more, to see whether the growth levels off. The worker runs as deployed (${Object.entries(
      RUNTIME_ENV,
    )
      .map(([name, value]) => `${name}=${value}`)
      .join(', ')}).`,
    figures: [
      { label: `RSS after ${FIRST} stories`, value: rss100 / MiB, unit: 'MiB', digits: 1 },
      { label: `RSS after ${TOTAL} stories`, value: rss1000 / MiB, unit: 'MiB', digits: 1 },
      {
        label: `RSS growth, ${FIRST} → ${TOTAL} stories`,
        value: growth * 100,
        unit: '%',
        digits: 1,
        target: '≤ 10 %',
        pass: growth <= 0.1,
      },
      { label: `RSS after ${PLATEAU} stories`, value: rss2000 / MiB, unit: 'MiB', digits: 1 },
      {
        label: `RSS growth, ${TOTAL} → ${PLATEAU} stories`,
        value: ((rss2000 - rss1000) / rss1000) * 100,
        unit: '%',
        digits: 1,
      },
    ],
    notes: [
      `RSS before any story ${round(rssStart / MiB, 1)} MiB; peak while running the first ${TOTAL} ${round(peak / MiB, 1)} MiB; ${tally.completed} of stories ${FIRST + 1}–${TOTAL} completed, ${tally.failed} failed.`,
      `Outside the V8 heap (RSS − heap total − external) after ${TOTAL} stories: ${round((heap.memory.rss - heap.memory.heapTotal - heap.memory.external) / MiB, 1)} MiB: native allocations (sockets, buffers, the allocator's retained arenas).`,
      `V8 heap used after a forced GC (taken after each RSS reading): ${round(heap100.memory.heapUsed / MiB, 1)} MiB after ${FIRST} stories, ${round(heap.memory.heapUsed / MiB, 1)} MiB after ${TOTAL}.`,
      `After ${TOTAL} stories and a forced GC (node --expose-gc, bench/probe.ts): V8 heap used ${round(heap.memory.heapUsed / MiB, 1)} MiB of ${round(heap.memory.heapTotal / MiB, 1)} MiB, external ${round(heap.memory.external / MiB, 1)} MiB, array buffers ${round(heap.memory.arrayBuffers / MiB, 1)} MiB, RSS ${round(heap.memory.rss / MiB, 1)} MiB.`,
    ],
  }
}
