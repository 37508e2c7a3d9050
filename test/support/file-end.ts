import { killRunningChildren } from '@dreamify/testkit'
import { afterAll } from 'vitest'

const cleanups: Array<() => Promise<void>> = []

// The test file's one end hook, registered when the file first imports this module. vitest never
// runs an afterAll registered inside a beforeAll or a test, which is where most files start their
// processes and make their databases and queues; and it ends its forks without the 'exit' event
// that testkit also listens to.
afterAll(async () => {
  // The processes first: they hold connections, and a worker still running writes its keys again.
  await killRunningChildren()
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Runs `cleanup` when the test file ends, after its processes are stopped, wherever it is called. */
export function atFileEnd(cleanup: () => Promise<void>): void {
  cleanups.push(cleanup)
}
