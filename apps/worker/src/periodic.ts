import type { Logger } from '@dreamify/core'

/**
 * Runs `pass` every `intervalMs`, plus up to `jitterMs` chosen once (so many workers do not run
 * in lockstep), never two passes at once. A failed pass is logged and the next one tries again.
 * The timer does not keep the process alive. `tick` runs a pass now (tests, start-up).
 */
export function runPeriodically(
  name: string,
  { intervalMs, jitterMs, logger }: { intervalMs: number; jitterMs: number; logger: Logger },
  pass: () => Promise<void>,
) {
  let running = false
  const tick = async () => {
    if (running) return
    running = true
    try {
      await pass()
    } catch (error) {
      logger.warn({ err: error }, `${name} pass failed; trying again next interval`)
    } finally {
      running = false
    }
  }
  const timer = setInterval(tick, intervalMs + Math.floor(Math.random() * jitterMs))
  timer.unref()
  return { tick, stop: () => clearInterval(timer) }
}
