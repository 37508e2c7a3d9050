/**
 * The promise, or a rejection with `message` once `ms` have passed, whichever comes first. The
 * timer is cleared as soon as the promise settles, so nothing is left waiting behind a fast answer.
 * The promise itself is not cancelled: callers use this for calls that must not hold up their own
 * caller (an enqueue after commit, a published event, a metric), and decide what a timeout means.
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message = 'timed out'): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}
