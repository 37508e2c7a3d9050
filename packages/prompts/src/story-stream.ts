import { createJsonStoryParser } from './json-story.ts'
import { createTaggedStoryParser } from './tagged-story.ts'
import type { StoryOutputFormat, StoryStreamParser } from './types.ts'

/**
 * Parses a story while the model streams it.
 *
 *   const parser = createStoryStreamParser({ format, chapters });
 *   for await (const delta of stream) handle(parser.push(delta));
 *   const { draft, events } = parser.end(); // throws StoryFormatError if the story is invalid
 *   handle(events);                         // the last chapter arrives here for the tagged format
 *
 * Events come in order — the title, then chapters 1..N — each exactly once, and each chapter's content equals
 * the chapter in the final draft. They are provisional: if end() throws, discard work started from them.
 */
export function createStoryStreamParser(options: {
  format: StoryOutputFormat
  chapters: number
  /** continuing a story from this chapter (its title and earlier chapters are saved): no title is expected */
  from?: number
}): StoryStreamParser {
  const from = options.from ?? 1
  return options.format === 'json'
    ? createJsonStoryParser(options.chapters, from)
    : createTaggedStoryParser(options.chapters, from)
}
