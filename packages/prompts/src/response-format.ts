import { assertChapterCount } from './errors.ts'

interface StringSchema {
  type: 'string'
}

export interface StoryJsonSchema {
  type: 'object'
  properties: {
    title: StringSchema
    cast: {
      type: 'array'
      items: {
        type: 'object'
        properties: { name: StringSchema; description: StringSchema }
        required: ['name', 'description']
        additionalProperties: false
      }
    }
    chapters: {
      type: 'array'
      minItems: number
      maxItems: number
      items: {
        type: 'object'
        properties: { title: StringSchema; content: StringSchema; scene: StringSchema }
        required: ['title', 'content', 'scene']
        additionalProperties: false
      }
    }
  }
  required: ['title', 'cast', 'chapters']
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
          // Before the chapters: answers follow the schema's order, so the cast is known when chapter 1 streams.
          cast: {
            type: 'array',
            items: {
              type: 'object',
              properties: { name: { type: 'string' }, description: { type: 'string' } },
              required: ['name', 'description'],
              additionalProperties: false,
            },
          },
          chapters: {
            type: 'array',
            minItems: chapters,
            maxItems: chapters,
            items: {
              type: 'object',
              properties: { title: { type: 'string' }, content: { type: 'string' }, scene: { type: 'string' } },
              required: ['title', 'content', 'scene'],
              additionalProperties: false,
            },
          },
        },
        required: ['title', 'cast', 'chapters'],
        additionalProperties: false,
      },
    },
  }
}
