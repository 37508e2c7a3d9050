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

export interface StoryContinuationResponseFormat {
  type: 'json_schema'
  json_schema: {
    name: 'story_continuation'
    strict: true
    schema: {
      type: 'object'
      properties: { chapters: StoryJsonSchema['properties']['chapters'] }
      required: ['chapters']
      additionalProperties: false
    }
  }
}

/** The `response_format` of a story continued from chapter `from`: its remaining chapters, no title. */
export function storyContinuationResponseFormat(chapters: number, from: number): StoryContinuationResponseFormat {
  const whole = storyResponseFormat(chapters).json_schema.schema.properties.chapters
  const remaining = chapters - from + 1
  if (from < 2 || remaining < 1)
    throw new RangeError(`cannot continue a ${chapters}-chapter story from chapter ${from}`)
  return {
    type: 'json_schema',
    json_schema: {
      name: 'story_continuation',
      strict: true,
      schema: {
        type: 'object',
        properties: { chapters: { ...whole, minItems: remaining, maxItems: remaining } },
        required: ['chapters'],
        additionalProperties: false,
      },
    },
  }
}
