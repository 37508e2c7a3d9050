import type { QueueName } from '@dreamify/core'
import { avatarStep } from './avatar.ts'
import { chapterAudioStep } from './chapter-audio.ts'
import { chapterImageStep } from './chapter-image.ts'
import { chapterTextStep } from './chapter-text.ts'
import type { StepDefinition } from './definition.ts'
import { erasureSweepStep } from './erasure-sweep.ts'
import { imageVariantsStep } from './image-variants.ts'
import { storyTextStep } from './story-text.ts'

/** Every job the worker runs, in one explicit list. */
export const STEPS: ReadonlyArray<StepDefinition<QueueName>> = [
  storyTextStep as StepDefinition<QueueName>,
  chapterImageStep as StepDefinition<QueueName>,
  chapterTextStep as StepDefinition<QueueName>,
  chapterAudioStep as StepDefinition<QueueName>,
  avatarStep as StepDefinition<QueueName>,
  imageVariantsStep as StepDefinition<QueueName>,
  erasureSweepStep as StepDefinition<QueueName>,
]
