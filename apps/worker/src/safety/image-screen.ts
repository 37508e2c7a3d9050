import type { ImageStyle } from '@dreamify/core'
import {
  buildImagePrompt,
  buildReferenceImagePrompt,
  buildSaferImagePrompt,
  buildSaferReferenceImagePrompt,
} from '@dreamify/prompts'
import { type GeneratedImage, type GenerationProvider, type ImageReference, ProviderError } from '../providers/index.ts'
import type { SafetyScreen } from './screen.ts'

export interface ModeratedDrawing {
  storyId: string
  jobId: string
  chapter: { number: number; title: string; content: string; scene?: string | null }
  character: string
  style: ImageStyle
  childName: string
  /** the prompt to draw from instead of the chapter's text (an outlined chapter's brief) */
  prompt?: string
  /** the story's recurring characters; the prompt carries those the chapter names */
  cast?: ReadonlyArray<{ name: string; description: string }>
  /** the story's language: prompts stay English, so the cast's names appear only for English stories */
  language?: string
  /** the child's avatar, to draw from where the provider can (the hero then looks like it) */
  avatar?: ImageReference['image'] | undefined
}

/** Any picture drawn under moderation: a chapter's or an avatar's. */
export interface ScreenedDrawing {
  /** null for an avatar */
  storyId: string | null
  jobId: string
  /** the audit trail's target: `image 3`, `avatar` */
  target: string
  purpose: 'chapter' | 'avatar'
  prompt: string
  /** drawn instead when the prompt, or the first picture, is flagged */
  saferPrompt: string
  /** a picture to draw from with its own prompts, where the provider can (the prompts above are checked) */
  reference?: { image: ImageReference['image']; prompt: string; saferPrompt: string } | undefined
  /** for the error: `the picture for chapter 3` */
  what: string
}

/**
 * Draws a picture under moderation: the prompt is checked (a flagged one is replaced by the safer
 * one before anything is drawn), then the picture where the moderator can see pictures. A flagged
 * picture is drawn once more from the safer prompt; flagged again, it fails for good with
 * CONTENT_FLAGGED (the step's failure handler says what that means for its chapter or avatar).
 */
export async function drawScreened(
  screen: Pick<SafetyScreen, 'moderator' | 'check'>,
  provider: GenerationProvider,
  drawing: ScreenedDrawing,
  signal: AbortSignal,
): Promise<GeneratedImage> {
  const target = { storyId: drawing.storyId, jobId: drawing.jobId, target: drawing.target }
  const { reference } = drawing
  // The scene is checked once, in the description-only prompt; the reference prompt has the same scene.
  const safer = {
    prompt: drawing.saferPrompt,
    reference: reference && { image: reference.image, prompt: reference.saferPrompt },
  }
  let prompt = { prompt: drawing.prompt, reference: reference && { image: reference.image, prompt: reference.prompt } }
  const promptVerdict = await screen.check({ ...target, stage: 'image_prompt' }, { text: prompt.prompt }, signal)
  if (promptVerdict.decision === 'flagged') prompt = safer

  for (let redrawn = false; ; redrawn = true) {
    const image = await provider.drawImage(prompt.prompt, signal, drawing.purpose, prompt.reference)
    if (!screen.moderator.supportsImages) return image
    const verdict = await screen.check(
      { ...target, stage: 'image' },
      { image: { bytes: image.bytes, contentType: image.contentType } },
      signal,
    )
    if (verdict.decision === 'allowed') return image
    if (redrawn)
      throw new ProviderError('permanent', 'CONTENT_FLAGGED', `${drawing.what} was flagged by the moderator twice`)
    prompt = safer
  }
}

/** A chapter's picture under moderation (see drawScreened); the safer prompt is a calm scene with the same character. */
export function drawModerated(
  screen: Pick<SafetyScreen, 'moderator' | 'check'>,
  provider: GenerationProvider,
  drawing: ModeratedDrawing,
  signal: AbortSignal,
): Promise<GeneratedImage> {
  const number = drawing.chapter.number
  return drawScreened(
    screen,
    provider,
    {
      storyId: drawing.storyId,
      jobId: drawing.jobId,
      target: `image ${number}`,
      purpose: 'chapter',
      prompt: drawing.prompt ?? buildImagePrompt({ ...drawing, chapter: drawing.chapter }),
      saferPrompt: buildSaferImagePrompt({ character: drawing.character, style: drawing.style }),
      reference: drawing.avatar && {
        image: drawing.avatar,
        prompt: buildReferenceImagePrompt(drawing),
        saferPrompt: buildSaferReferenceImagePrompt(drawing),
      },
      what: `the picture for chapter ${number}`,
    },
    signal,
  )
}
