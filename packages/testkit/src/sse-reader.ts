import { parseSseEvent, type ServerSentEvent } from './sse.ts'

/** A named event of a job's stream, its data parsed as JSON. */
export interface StreamEvent {
  id: number
  event: string
  data: any
}

/**
 * Opens a job's event stream with plain fetch (no EventSource), as a browser would, and reads it
 * in the background: every block as it comes (`blocks`: comments and the retry hint too), and
 * the named events among them (`events`).
 */
export async function openEventStream(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController()
  const response = await fetch(url, { headers, signal: abort.signal })
  const blocks: ServerSentEvent[] = []
  const events: StreamEvent[] = []
  let ended = false
  let wakeUp = () => {}
  const done = (async () => {
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for await (const chunk of response.body ?? []) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true })
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = parseSseEvent(buffer.slice(0, end))
          buffer = buffer.slice(end + 2)
          blocks.push(block)
          if (block.event)
            events.push({ id: Number(block.id), event: block.event, data: JSON.parse(block.data ?? 'null') })
          wakeUp()
        }
      }
    } catch {
      // aborted: the client left
    } finally {
      ended = true
      wakeUp()
    }
  })()
  const seen = () => JSON.stringify(events.map((e) => [e.id, e.event]))
  return {
    response,
    blocks,
    events,
    isEnded: () => ended,
    /** Waits until `predicate` holds; fails when the stream ends first, or after `timeoutMs`. */
    async until(predicate: (events: StreamEvent[]) => boolean, timeoutMs = 10_000): Promise<void> {
      const deadline = Date.now() + timeoutMs
      while (!predicate(events)) {
        if (ended) throw new Error(`the stream ended first: ${seen()}`)
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${seen()}`)
        await new Promise<void>((resolve) => {
          wakeUp = resolve
          setTimeout(resolve, 100)
        })
      }
    },
    /** Waits for the server to end the stream; resolves with its named events. */
    async end(timeoutMs = 60_000): Promise<StreamEvent[]> {
      const timedOut = new Promise<'timeout'>((resolve) => setTimeout(resolve, timeoutMs, 'timeout').unref())
      if ((await Promise.race([done, timedOut])) === 'timeout')
        throw new Error(`the stream did not end within ${timeoutMs} ms: ${seen()}`)
      return events
    },
    /** Leaves, as a closed browser tab would; resolves once the reader has stopped. */
    close(): Promise<void> {
      abort.abort()
      return done
    },
  }
}

export type EventStream = Awaited<ReturnType<typeof openEventStream>>
