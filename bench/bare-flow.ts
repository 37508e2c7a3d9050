// The pipeline's baseline: BullMQ alone, the same shape of work (a flow of one parent and five
// children), run by as many processes (bench/bare-flow-worker.ts) with trivial processors.
import { DEFAULT_JOB_OPTIONS } from '@dreamify/core'
import { FlowProducer } from 'bullmq'
import { Redis } from 'ioredis'
import { cpuMeter, deleteKeys, REDIS_URL, type Service, startProcess, stopAll, waitFor } from './support/index.ts'

const BARE = { text: 'bare-text', image: 'bare-image' } // as in bench/bare-flow-worker.ts

export interface BareFlowShape {
  workers: number
  textConcurrency: number
  imageConcurrency: number
  postConcurrency: number
  warmUp: number
  flows: number
}

export async function bareFlow(prefix: string, shape: BareFlowShape) {
  const state = new Map<number, { completed: number; last: number }>()
  const total = () => [...state.values()].reduce((s, v) => s + v.completed, 0)
  const workers: Service[] = []
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null })
  connection.on('error', () => {})
  const producer = new FlowProducer({ connection, prefix })
  try {
    for (let i = 0; i < shape.workers; i++) {
      let ready = false
      const worker = startProcess(
        'bare-worker',
        'bench/bare-flow-worker.ts',
        {},
        {
          args: [prefix, String(shape.textConcurrency), String(shape.imageConcurrency)],
          onJson: (entry) => {
            if (entry.ready) ready = true
            if (typeof entry.completed === 'number')
              state.set(worker.pid, { completed: entry.completed, last: Number(entry.last) })
          },
        },
      )
      workers.push(worker)
      await waitFor('a bare worker', () => ready)
    }
    const flow = (i: number) => ({
      name: 'text',
      queueName: BARE.text,
      data: { story: i },
      opts: DEFAULT_JOB_OPTIONS,
      children: Array.from({ length: 5 }, (_, n) => ({
        name: 'image',
        queueName: BARE.image,
        data: { story: i, chapter: n + 1 },
        opts: DEFAULT_JOB_OPTIONS,
      })),
    })
    const run = async (count: number, offset: number) => {
      let next = 0
      await Promise.all(
        Array.from({ length: shape.postConcurrency }, async () => {
          while (next < count) await producer.add(flow(offset + next++))
        }),
      )
    }
    await run(shape.warmUp, 0)
    await waitFor('the warm-up flows', () => total() >= shape.warmUp, { timeoutMs: 60_000, intervalMs: 20 })
    const meter = cpuMeter({ workers: workers.map((w) => w.pid) })
    const t0 = Date.now()
    await run(shape.flows, shape.warmUp)
    await waitFor('the bare flows', () => total() >= shape.warmUp + shape.flows, { timeoutMs: 120_000, intervalMs: 20 })
    const cpu = meter.read()
    const last = Math.max(...[...state.values()].map((v) => v.last))
    return { windowMs: last - t0, cpu }
  } finally {
    await producer.close()
    connection.disconnect()
    await stopAll(workers)
    await deleteKeys(prefix)
  }
}
