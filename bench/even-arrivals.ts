// Stories arriving evenly, the load of the latency benchmarks: one every paceMs, round-robin over
// the parents, so that about (a story's time ÷ paceMs) are in flight at once.
import type pg from 'pg'
import { type ApiClient, sleep, storyDurations, waitForStories } from './support/index.ts'

/**
 * Posts `count` stories one every `paceMs` (`post` sends one for a parent and gives its job id),
 * waits up to `timeoutMs` for them all to finish, and gives their ids and POST → completed times.
 */
export async function arriveEvenly(
  pool: pg.Pool,
  clients: ApiClient[],
  { count, paceMs, timeoutMs }: { count: number; paceMs: number; timeoutMs: number },
  post: (client: ApiClient) => Promise<string>,
): Promise<{ ids: string[]; durations: number[] }> {
  const posts: Array<Promise<string>> = []
  const start = performance.now()
  for (let i = 0; i < count; i++) {
    const wait = start + i * paceMs - performance.now()
    if (wait > 0) await sleep(wait)
    posts.push(post(clients[i % clients.length]!))
  }
  const ids = await Promise.all(posts)
  await waitForStories(pool, count, { ids, timeoutMs, intervalMs: 50 })
  return { ids, durations: await storyDurations(pool, ids) }
}
