// A bare BullMQ worker process for the pipeline benchmark's baseline: the same shape of work as a
// story (one "text" job, five "image" jobs) with trivial processors, no database, no HTTP.
// Usage: node bench/bare-flow-worker.ts <prefix> <textConcurrency> <imageConcurrency>
// Prints {"ready":true} once both workers are ready, then {"completed":n,"last":epochMs} as parent jobs complete.
import { Worker } from 'bullmq'
import { Redis } from 'ioredis'

export const BARE_QUEUES = { text: 'bare-text', image: 'bare-image' } as const

const [prefix, textConcurrency = '20', imageConcurrency = '50'] = process.argv.slice(2)
if (!prefix) {
  console.error('usage: node bench/bare-flow-worker.ts <prefix> <textConcurrency> <imageConcurrency>')
  process.exit(2)
}
const connection = new Redis('redis://127.0.0.1:6379/0', { maxRetriesPerRequest: null })
connection.on('error', () => {})

let completed = 0
let last = 0
let reported = 0
const text = new Worker(BARE_QUEUES.text, async () => ({ ok: true }), {
  connection,
  prefix,
  concurrency: Number(textConcurrency),
})
const image = new Worker(BARE_QUEUES.image, async () => ({ ok: true }), {
  connection,
  prefix,
  concurrency: Number(imageConcurrency),
})
text.on('completed', () => {
  completed++
  last = Date.now()
})
await Promise.all([text.waitUntilReady(), image.waitUntilReady()])
process.stdout.write(`${JSON.stringify({ ready: true })}\n`)
const timer = setInterval(() => {
  if (completed === reported) return
  reported = completed
  process.stdout.write(`${JSON.stringify({ completed, last })}\n`)
}, 50)

async function stop() {
  clearInterval(timer)
  await Promise.all([text.close(), image.close()])
  connection.disconnect()
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())
