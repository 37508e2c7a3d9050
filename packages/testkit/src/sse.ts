import type { ServerResponse } from 'node:http'

/**
 * Splits text into ~4-character "tokens" that never cross a word boundary; leading whitespace is
 * kept on the token (as GPT tokenizers do), so joining the tokens gives back the text exactly.
 */
export function splitIntoTokens(text: string): string[] {
  const tokens: string[] = []
  for (const piece of text.match(/\s*\S+|\s+$/g) ?? []) {
    const lead = /^\s*/.exec(piece)![0]
    const word = piece.slice(lead.length)
    if (word.length <= 6) {
      tokens.push(piece)
      continue
    }
    tokens.push(lead + word.slice(0, 4))
    for (let i = 4; i < word.length; i += 4) tokens.push(word.slice(i, i + 4))
  }
  return tokens
}

export function sseEvent(data: unknown): string {
  return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`
}

/** One event's fields; a line starting with `:` is a comment (the heartbeat), unknown fields are left out. */
export interface ServerSentEvent {
  id?: string
  event?: string
  data?: string
  comment?: string
}

/** Parses one event block (the text between blank lines); several `data:` lines join with newlines. */
export function parseSseEvent(block: string): ServerSentEvent {
  const event: ServerSentEvent = {}
  for (const line of block.split('\n')) {
    if (line === '') continue
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
    if (field === '') event.comment = value
    else if (field === 'data') event.data = event.data === undefined ? value : `${event.data}\n${value}`
    else if (field === 'id' || field === 'event') event[field] = value
  }
  return event
}

/** The `data:` payloads of an SSE body, in order (a trailing partial event is ignored). */
export function parseSseData(body: string): string[] {
  const blocks = body.replace(/\r\n/g, '\n').split('\n\n')
  blocks.pop()
  return blocks.map((block) => parseSseEvent(block)).flatMap((event) => (event.data === undefined ? [] : [event.data]))
}

export interface ChatUsage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
}

export interface CollectedStream {
  content: string
  finishReason: string | null
  usage: ChatUsage | null
  done: boolean
  chunks: number
}

/** Reassembles a chat.completion.chunk SSE body the way a client would. */
export function collectChatStream(body: string): CollectedStream {
  const result: CollectedStream = { content: '', finishReason: null, usage: null, done: false, chunks: 0 }
  for (const data of parseSseData(body)) {
    if (data === '[DONE]') {
      result.done = true
      continue
    }
    const chunk = JSON.parse(data) as {
      choices?: Array<{ delta?: { content?: string }; finish_reason?: string | null }>
      usage?: ChatUsage | null
    }
    result.chunks++
    for (const choice of chunk.choices ?? []) {
      result.content += choice.delta?.content ?? ''
      if (choice.finish_reason) result.finishReason = choice.finish_reason
    }
    if (chunk.usage) result.usage = chunk.usage
  }
  return result
}

export interface ChunkMeta {
  id: string
  created: number
  model: string
}

export function chatChunk(
  meta: ChunkMeta,
  delta: Record<string, unknown>,
  finishReason: string | null,
): Record<string, unknown> {
  return {
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    system_fingerprint: 'fp_fake',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  }
}

export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(done, Math.max(0, ms))
    signal?.addEventListener('abort', done, { once: true })
    function done(): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
  })
}

function write(res: ServerResponse, text: string): Promise<void> {
  return new Promise((resolve) => res.write(text, () => resolve()))
}

export interface ChatStreamOptions {
  meta: ChunkMeta
  tokens: readonly string[]
  /** 0 = everything at once. */
  tokensPerSecond: number
  /** When set, the socket is destroyed after this many tokens (a broken stream). */
  breakAfter?: number
  usage?: ChatUsage
  signal: AbortSignal
}

/** Writes an OpenAI-style chat completion stream; resolves when finished, broken or aborted. */
export async function writeChatStream(
  res: ServerResponse,
  opts: ChatStreamOptions,
): Promise<'done' | 'broken' | 'aborted'> {
  const { meta, tokens, tokensPerSecond: tps, breakAfter, signal } = opts
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  })
  await write(res, sseEvent(chatChunk(meta, { role: 'assistant', content: '', refusal: null }, null)))
  const start = performance.now()
  const limit = breakAfter === undefined ? tokens.length : Math.min(breakAfter, tokens.length)
  let i = 0
  while (i < limit) {
    if (signal.aborted) return 'aborted'
    // Emit every token that is due by now, so rates above timer resolution still hold on average.
    const due = tps > 0 ? Math.min(limit, Math.floor(((performance.now() - start) * tps) / 1000) + 1) : limit
    let batch = ''
    for (; i < due; i++) batch += sseEvent(chatChunk(meta, { content: tokens[i] }, null))
    if (batch) await write(res, batch)
    if (i < limit) await delay(Math.max(1, 1000 / tps), signal)
  }
  if (signal.aborted) return 'aborted'
  if (breakAfter !== undefined) {
    res.socket?.destroy()
    return 'broken'
  }
  let tail = sseEvent(chatChunk(meta, {}, 'stop'))
  if (opts.usage)
    tail += sseEvent({
      id: meta.id,
      object: 'chat.completion.chunk',
      created: meta.created,
      model: meta.model,
      system_fingerprint: 'fp_fake',
      choices: [],
      usage: opts.usage,
    })
  tail += sseEvent('[DONE]')
  res.end(tail)
  return 'done'
}
