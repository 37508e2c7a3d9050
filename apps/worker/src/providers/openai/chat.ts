import type OpenAI from 'openai'
import { ProviderError, type Usage } from '../provider.ts'
import type { OpenAIConfig } from './client.ts'
import { classify, costing, usageOf } from './errors.ts'

export interface ChatRequest {
  messages: { system: string; user: string }
  stream: boolean
}

export type Chat = (
  request: ChatRequest,
  responseFormat: OpenAI.ResponseFormatJSONSchema | undefined,
  signal: AbortSignal,
) => AsyncGenerator<string, Usage | undefined, undefined>

/** One chat call, streamed or not: yields the answer as it arrives and returns what it cost. */
export function chatWith(client: OpenAI, config: OpenAIConfig): Chat {
  return async function* chat(request, responseFormat, signal) {
    const body = {
      model: config.textModel,
      messages: [
        { role: 'system' as const, content: request.messages.system },
        { role: 'user' as const, content: request.messages.user },
      ],
      ...(responseFormat ? { response_format: responseFormat } : {}),
    }
    let tokens = 0
    try {
      if (!request.stream) {
        const completion = await client.chat.completions.create({ ...body, stream: false }, { signal })
        tokens = completion.usage?.total_tokens ?? 0
        const message = completion.choices[0]?.message
        if (message?.refusal) throw new ProviderError('permanent', 'PROVIDER_REFUSED', message.refusal)
        yield message?.content ?? ''
        return usageOf('text', tokens)
      }
      const stream = await client.chat.completions.create(
        { ...body, stream: true, stream_options: { include_usage: true } },
        { signal },
      )
      for await (const chunk of stream) {
        if (chunk.usage) tokens += chunk.usage.total_tokens
        const delta = chunk.choices[0]?.delta
        if (delta?.refusal) throw new ProviderError('permanent', 'PROVIDER_REFUSED', delta.refusal)
        if (delta?.content) yield delta.content
      }
      // The SDK ends an aborted stream quietly; a cut-off story must not pass for a whole one.
      signal.throwIfAborted()
      return usageOf('text', tokens)
    } catch (error) {
      throw costing(classify(error), usageOf('text', tokens))
    }
  }
}
