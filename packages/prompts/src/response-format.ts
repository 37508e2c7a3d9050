import { assertChapterCount } from './errors.ts'

interface StringSchema {
  type: 'string'
}

export interface StoryJsonSchema {
  type: 'object'
  properties: {
    title: StringSchema
    chapters: {
      type: 'array'
      minItems: number
      maxItems: number
      items: {
        type: 'object'
        properties: { title: StringSchema; content: StringSchema }
        required: ['title', 'content']
        additionalProperties: false
      }
    }
  }
  required: ['title', 'chapters']
  additionalProperties: false
}

export interface StoryResponseFormat {
  type: 'json_schema'
  json_schema: { name: 'story'; strict: true; schema: StoryJsonSchema }
}

/** OpenAI `response_format` for the JSON story; parseStructuredStory still checks the count itself. */
export function storyResponseFormat(chapters: number): StoryResponseFormat {
  assertChapterCount(chapters)
  return {
    type: 'json_schema',
    json_schema: {
      name: 'story',
      strict: true,
      schema: {
        type: 'object',
        properties: {
          title: { type: 'string' },
          chapters: {
            type: 'array',
            minItems: chapters,
            maxItems: chapters,
            items: {
              type: 'object',
              properties: { title: { type: 'string' }, content: { type: 'string' } },
              required: ['title', 'content'],
              additionalProperties: false,
            },
          },
        },
        required: ['title', 'chapters'],
        additionalProperties: false,
      },
    },
  }
}
