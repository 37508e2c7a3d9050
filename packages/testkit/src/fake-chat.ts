import { randomUUID } from 'node:crypto'
import {
  breakPoint,
  type ChatRequestBody,
  estimateTokens,
  malformedContent,
  type OutlineTask,
  outlineAnswer,
  outlineTask,
  promptText,
  replyContent,
  storyForRequest,
} from './chat-request.ts'
import { type EndpointCall, type FakeState, sentFault } from './fake-openai-state.ts'
import { sendAnswer, sendMissing } from './openai-errors.ts'
import { chatChunk, delay, splitIntoTokens, writeChatStream } from './sse.ts'

/** /v1/chat/completions: a fixture story (or an outline, or one outlined chapter), streamed or whole. */
export async function answerChat(state: FakeState, { res, body: raw, fault, signal, call }: EndpointCall) {
  const body = raw as ChatRequestBody
  if (!Array.isArray(body.messages) || body.messages.length === 0) return sendMissing(res, 'messages')
  if (sentFault(state, res, fault)) return
  const task = outlineTask(body)
  const story = storyForRequest(body, state.templates)
  const content =
    fault === 'malformed'
      ? malformedContent(body, state.malformedCount++)
      : task?.kind === 'chapter'
        ? chapterAnswer(state, body, task)
        : task
          ? outlineAnswer(body, state.templates, task)
          : replyContent(body, story)
  const tokens = splitIntoTokens(content)
  const promptTokens = estimateTokens(promptText(body)) + 4 * body.messages.length
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: tokens.length,
    total_tokens: promptTokens + tokens.length,
  }
  call.usage = { prompt_tokens: promptTokens, completion_tokens: tokens.length }
  const meta = {
    id: `chatcmpl-${randomUUID().replace(/-/g, '')}`,
    created: Math.floor(Date.now() / 1000),
    model: body.model ?? 'gpt-fake',
  }
  await delay(state.settings.textLatencyMs, signal)
  if (signal.aborted) return
  if (body.stream) {
    await writeChatStream(res, {
      meta,
      tokens,
      tokensPerSecond: state.settings.tokensPerSecond,
      ...(fault === 'break'
        ? { breakAfter: breakPoint(tokens, content, story, state.settings.breakAfterChapter) }
        : {}),
      ...(body.stream_options?.include_usage ? { usage } : {}),
      signal,
    })
    return
  }
  // Not streamed, the answer still takes as long as writing it does.
  if (state.settings.tokensPerSecond > 0) await delay((tokens.length / state.settings.tokensPerSecond) * 1000, signal)
  if (signal.aborted) return
  const completion = {
    ...chatChunk(meta, {}, null),
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage,
  }
  sendAnswer(res, completion, fault)
}

// A chapter of an outlined story answers that chapter's text; with miscastNext, one that names a
// character the outline's cast does not have.
function chapterAnswer(state: FakeState, body: ChatRequestBody, task: OutlineTask & { kind: 'chapter' }): string {
  const content = outlineAnswer(body, state.templates, task)
  if (state.settings.miscastNext <= 0) return content
  state.settings = { ...state.settings, miscastNext: state.settings.miscastNext - 1 }
  return `${content}\n\nAnd a little rabbit called Bartholomew Thistlewood waved goodnight from the hedge.`
}
