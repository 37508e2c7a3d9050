import { metricsOn, secondsSince } from '@dreamify/core/metrics'
import type { Registry } from 'prom-client'
import type { MediaStore } from './types.ts'

export type MediaMetrics = ReturnType<typeof createMediaMetrics>

/** The store's metrics, on the process's own registry (API and worker each have one). */
export function createMediaMetrics(registry: Registry) {
  const { counter, histogram } = metricsOn(registry)
  const operations = counter(
    'dreamify_media_store_operations_total',
    'Media store operations by store, operation and outcome (ok or error)',
    ['store', 'operation', 'outcome'],
  )
  const errors = counter('dreamify_media_store_errors_total', 'Failed media store operations by store and operation', [
    'store',
    'operation',
  ])
  const duration = histogram(
    'dreamify_media_store_duration_seconds',
    'Duration of one media store operation by store and operation',
    ['store', 'operation'],
    [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  )
  return {
    observe(store: string, operation: string, startedAt: number, ok: boolean) {
      operations.inc({ store, operation, outcome: ok ? 'ok' : 'error' })
      if (!ok) errors.inc({ store, operation })
      duration.observe({ store, operation }, secondsSince(startedAt))
    },
  }
}

/** The same store, each operation counted and timed (an observer: the store's answers pass unchanged). */
export function measuredStore(store: MediaStore, metrics: MediaMetrics): MediaStore {
  const measure =
    <A extends unknown[], R>(operation: string, run: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const startedAt = performance.now()
      try {
        const result = await run(...args)
        metrics.observe(store.name, operation, startedAt, true)
        return result
      } catch (error) {
        metrics.observe(store.name, operation, startedAt, false)
        throw error
      }
    }
  return {
    name: store.name,
    put: measure('put', (object) => store.put(object)),
    putBytes: measure('put', (key, contentType, bytes) => store.putBytes(key, contentType, bytes)),
    get: measure('get', (key) => store.get(key)),
    delete: measure('delete', (key) => store.delete(key)),
    url: measure('url', (key, now) => store.url(key, now)),
    check: measure('check', () => store.check()),
  }
}
