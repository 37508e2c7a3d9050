export { castFromJson, castFromLines, castInChapter, MAX_CAST, tidyCast } from './cast.ts'
export { describeCharacter } from './character.ts'
export type { StoryFormatErrorReason } from './errors.ts'
export { StoryFormatError } from './errors.ts'
export type {
  BuildStoryOptions,
  FixtureCastMember,
  FixtureChapter,
  FixtureStory,
  StoryTemplate,
  StoryValues,
} from './fixture-stories.ts'
export {
  buildStory,
  DEFAULT_STORY_VALUES,
  FIXTURE_STORIES_DIR,
  fillPlaceholders,
  formatStory,
  loadStoryTemplates,
  PLACEHOLDERS,
  pickTemplate,
  shapeChapters,
  templateLanguages,
} from './fixture-stories.ts'
export {
  buildAvatarPrompt,
  buildImagePrompt,
  buildReferenceImagePrompt,
  buildSaferAvatarPrompt,
  buildSaferImagePrompt,
  buildSaferReferenceImagePrompt,
  type ChapterImageInput,
  castLine,
  imageStylePhrase,
  NO_TEXT_RULE,
  REFERENCE_RULE,
  summarizeScene,
} from './image-prompts.ts'
export { parseStructuredStory } from './json-story.ts'
export type { StoryContinuationResponseFormat, StoryJsonSchema, StoryResponseFormat } from './response-format.ts'
export { storyContinuationResponseFormat, storyResponseFormat } from './response-format.ts'
export { chooseStandInName, hideChildName, restoreChildName, withoutChildName } from './stand-in-name.ts'
export type { StoryLength } from './story-length.ts'
export { countWords, lengthPhrase, storyLengthFor } from './story-length.ts'
export type { StoryMessages, StoryRequest, StorySoFar } from './story-messages.ts'
export { buildStoryMessages, STORY_DATA_CLOSE, STORY_DATA_OPEN } from './story-messages.ts'
export type { ChapterRequest } from './story-outline.ts'
export {
  buildBriefImagePrompt,
  buildChapterMessages,
  buildOutlineMessages,
  castContradictions,
  outlineOfFixtureStory,
  outlineResponseFormat,
  parseChapterText,
  parseOutline,
} from './story-outline.ts'
export { createStoryStreamParser } from './story-stream.ts'
export { parseTaggedStory } from './tagged-story.ts'
export type {
  CastMember,
  ChildAppearance,
  StoryChapter,
  StoryChild,
  StoryDraft,
  StoryOutputFormat,
  StoryStreamEvent,
  StoryStreamParser,
  StoryStreamResult,
} from './types.ts'
export { validateStoryDraft } from './validate.ts'
