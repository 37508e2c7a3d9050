export { encodePng, crc32, readPngInfo, isPng, PNG_SIGNATURE } from './png.ts';
export type { PngInfo } from './png.ts';
export { createCanvas, mix, blend, verticalGradient, ellipse, circle, glow, arc, rect, polygon, fillBelow, hills, line, blob } from './paint.ts';
export type { Canvas, Rgb, Point } from './paint.ts';
export { SCENE_SIZE, SCENES, AVATARS, FIXTURE_PICTURE_NAMES, paintFixture, renderFixturePng } from './scenes.ts';
export { makeFixtureImages } from './make-fixture-images.ts';
export { fixturesDir, loadFixtureImages, pickFixtureImages } from './fixtures.ts';
export type { FixtureImage } from './fixtures.ts';
export { mulberry32, hashString } from './random.ts';
export {
  GENRES,
  PLACEHOLDERS,
  DEFAULT_STORY_VALUES,
  loadStoryTemplates,
  fillPlaceholders,
  extractStoryValues,
  extractGenres,
  pickTemplate,
  buildStory,
  formatTaggedStory,
  parseTaggedStory,
} from './story-text.ts';
export type { Genre, Story, StoryChapter, StoryTemplate, StoryValues, BuildStoryOptions } from './story-text.ts';
export { promptText, wantsJson, requestedChapterCount, storyForRequest, replyContent, malformedContent, estimateTokens } from './chat-request.ts';
export type { ChatRequestBody } from './chat-request.ts';
export { splitIntoTokens, sseEvent, parseSseEvent, parseSseData, collectChatStream, chatChunk, writeChatStream, delay } from './sse.ts';
export type { ServerSentEvent, ChatUsage, CollectedStream, ChunkMeta, ChatStreamOptions } from './sse.ts';
export { openEventStream } from './sse-reader.ts';
export type { EventStream, StreamEvent } from './sse-reader.ts';
export { FAULT_KINDS, decideFault, inScope, isFaultKind } from './faults.ts';
export type { FaultKind, FaultOptions, FaultScope, FaultState, Endpoint } from './faults.ts';
export { openAIError, ERRORS, sendJson } from './openai-errors.ts';
export type { OpenAIErrorBody } from './openai-errors.ts';
export { startFakeOpenAI } from './fake-openai.ts';
export type { FakeOpenAI, FakeOpenAIOptions, RecordedCall } from './fake-openai.ts';
export { waitFor } from './wait-for.ts';
export { freePort } from './free-port.ts';
export { repoRoot, API_ENTRY, WORKER_ENTRY, trackChild, runningChildren, killRunningChildren, startNodeProcess, startApiProcess, startWorkerProcess } from './processes.ts';
export type { NodeProcess, NodeProcessOptions, StartProcess } from './processes.ts';
export { aChild, aStory } from './api-payloads.ts';
export { ApiClient, sendRequest, readAnswer } from './api-client.ts';
export type { Answer, JsonRequest } from './api-client.ts';
export { deleteKeysUnder } from './redis-keys.ts';
export type { KeyDeleter } from './redis-keys.ts';
