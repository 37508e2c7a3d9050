import type { QueueName } from '@dreamify/core'
import { avatarJob } from './avatar.ts'
import { chapterImageJob } from './chapter-image.ts'
import type { JobDefinition } from './definition.ts'
import { storyTextJob } from './story-text.ts'

/** Every job the worker runs, in one explicit list. */
export const JOBS: ReadonlyArray<JobDefinition<QueueName>> = [
  storyTextJob as JobDefinition<QueueName>,
  chapterImageJob as JobDefinition<QueueName>,
  avatarJob as JobDefinition<QueueName>,
]
