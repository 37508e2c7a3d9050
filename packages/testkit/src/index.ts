export type { Answer, AnswerObserver, ApiClientOptions, JsonRequest } from './api-client.ts'
export { ApiClient, readAnswer, sendRequest } from './api-client.ts'
export { aChild, aStory } from './api-payloads.ts'
export type { ChatRequestBody } from './chat-request.ts'
export {
  continuedFrom,
  estimateTokens,
  INPUT_IMAGE_TOKENS,
  malformedContent,
  type OutlineTask,
  outlineTask,
  promptText,
  replyContent,
  requestedChapterCount,
  storyForRequest,
  wantsJson,
} from './chat-request.ts'
export type { ImageEditBody, ImageEditsMode, ReceivedImage } from './fake-image-edits.ts'
export { DEFAULT_MODERATION_MARKER, type FakeModerationOptions } from './fake-moderations.ts'
export type { FakeOpenAI, FakeOpenAIOptions, RecordedCall } from './fake-openai.ts'
export { startFakeOpenAI } from './fake-openai.ts'
export type { Endpoint, FaultKind, FaultOptions, FaultScope, FaultState } from './faults.ts'
export { decideFault, FAULT_KINDS, inScope, isFaultKind } from './faults.ts'
export type { FixtureImage } from './fixtures.ts'
export { fixturesDir, loadFixtureImages, pickFixtureImages } from './fixtures.ts'
export { freePort } from './free-port.ts'
export type { LibraryLoad } from './library-load.ts'
export { largeLibrary, libraryLoadStatements } from './library-load.ts'
export { makeFixtureImages } from './make-fixture-images.ts'
export { type Mp3Facts, readMp3, silentMp3 } from './mp3.ts'
export type { OpenAIErrorBody } from './openai-errors.ts'
export { ERRORS, openAIError, sendJson } from './openai-errors.ts'
export type { ProcessRecord } from './pid-registry.ts'
export {
  closePidRegistry,
  findLeftovers,
  isRunning,
  killLeftovers,
  openPidRegistry,
  PID_REGISTRY_ENV,
  recordProcess,
} from './pid-registry.ts'
export type { PngInfo } from './png.ts'
export { isPng, PNG_SIGNATURE, readPngInfo } from './png.ts'
export type { NodeProcess, NodeProcessOptions, StartProcess } from './processes.ts'
export {
  API_ENTRY,
  killRunningChildren,
  repoRoot,
  runningChildren,
  startApiProcess,
  startNodeProcess,
  startWorkerProcess,
  trackChild,
  WORKER_ENTRY,
} from './processes.ts'
export { hashString, mulberry32 } from './random.ts'
export type { KeyDeleter } from './redis-keys.ts'
export { deleteKeysAt, deleteKeysUnder } from './redis-keys.ts'
export type { TestS3Server } from './s3-server.ts'
export { startS3Server } from './s3-server.ts'
export { AVATARS, FIXTURE_PICTURE_NAMES, fixtureSvg, renderFixturePng, SCENE_SIZE, SCENES } from './scenes/index.ts'
export type { ChatStreamOptions, ChatUsage, ChunkMeta, CollectedStream, ServerSentEvent } from './sse.ts'
export {
  chatChunk,
  collectChatStream,
  delay,
  parseSseData,
  parseSseEvent,
  splitIntoTokens,
  sseEvent,
  writeChatStream,
} from './sse.ts'
export type { EventStream, StreamEvent } from './sse-reader.ts'
export { openEventStream } from './sse-reader.ts'
export { extractGenres, extractStoryValues, parseTaggedStory } from './story-text.ts'
export { waitFor } from './wait-for.ts'
