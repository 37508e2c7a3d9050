import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

/**
 * The metric constructors, bound to one process's registry (API and worker each have their own):
 * a metric is its name, its help and its label names, and a histogram its buckets.
 */
export function metricsOn(registry: Registry) {
  const registers = [registry]
  return {
    counter: <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
      new Counter<L>({ name, help, labelNames, registers }),
    gauge: <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
      new Gauge<L>({ name, help, labelNames, registers }),
    histogram: <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
      new Histogram<L>({ name, help, labelNames, buckets, registers }),
  }
}

/** The seconds since a `performance.now()` reading, as a duration histogram observes them. */
export const secondsSince = (startedAt: number) => (performance.now() - startedAt) / 1000
