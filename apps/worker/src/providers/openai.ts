import { outlineResponseFormat, storyContinuationResponseFormat, storyResponseFormat } from '@dreamify/prompts'
import type OpenAI from 'openai'
import { chatWith } from './openai/chat.ts'
import { createOpenAIClient, type OpenAIConfig } from './openai/client.ts'
import { drawingWith, type ImageOptions } from './openai/images.ts'
import { speakWith } from './openai/speech.ts'
import type { GenerationProvider, StoryRequest, TextRequest } from './provider.ts'

export { classify } from './openai/errors.ts'
export { BEDTIME_INSTRUCTIONS } from './openai/speech.ts'

export type OpenAIProviderOptions = ImageOptions

/** The OpenAI provider: text and structured output, pictures (with a reference where it can), speech. */
export function createOpenAIProvider(config: OpenAIConfig, options: OpenAIProviderOptions = {}): GenerationProvider {
  const client = createOpenAIClient(config)
  const chat = chatWith(client, config)
  const drawing = drawingWith(client, config, options)

  return {
    name: 'openai',
    storyFormat: config.structuredOutput ? 'json' : 'tagged',
    // Without json_schema on the server, a non-English story is still asked for as JSON, in the prompt only.
    storyFormatFor: (language) => (config.structuredOutput || language !== 'en' ? 'json' : 'tagged'),
    drawsFromReference: drawing.drawsFromReference,

    writeStory(request: StoryRequest, signal: AbortSignal) {
      const format =
        request.format === 'json' && config.structuredOutput
          ? ((request.soFar
              ? storyContinuationResponseFormat(request.chapters, request.soFar.chapters.length + 1)
              : storyResponseFormat(request.chapters)) as unknown as OpenAI.ResponseFormatJSONSchema)
          : undefined
      return chat(request, format, signal)
    },

    writeText(request: TextRequest, signal: AbortSignal) {
      const format =
        request.purpose === 'outline' && config.structuredOutput
          ? (outlineResponseFormat(request.story.chapters) as unknown as OpenAI.ResponseFormatJSONSchema)
          : undefined
      return chat(request, format, signal)
    },

    drawImage: drawing.drawImage,
    speak: speakWith(client, config),
  }
}
