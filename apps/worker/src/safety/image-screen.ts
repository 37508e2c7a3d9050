import type { ImageStyle } from '@dreamify/core'
import { buildImagePrompt, buildSaferImagePrompt } from '@dreamify/prompts'
import { type GeneratedImage, type GenerationProvider, ProviderError } from '../providers/index.ts'
import type { SafetyScreen } from './screen.ts'

export interface ModeratedDrawing {
  storyId: string
  jobId: string
  chapter: { number: number; title: string; content: string }
  character: string
  style: ImageStyle
  childName: string
  /** the prompt to draw from instead of the chapter's text (an outlined chapter's brief) */
  prompt?: string
}

/**
 * Draws a chapter's picture under moderation: the prompt is checked (a flagged one is replaced by a
 * safer one before anything is drawn), then the picture where the moderator can see pictures. A
 * flagged picture is drawn once more from the safer prompt; flagged again, the chapter fails with
 * CONTENT_FLAGGED (the story still completes with its text).
 */
export async function drawModerated(
  screen: Pick<SafetyScreen, 'moderator' | 'check'>,
  provider: GenerationProvider,
  drawing: ModeratedDrawing,
  signal: AbortSignal,
): Promise<GeneratedImage> {
  const target = { storyId: drawing.storyId, jobId: drawing.jobId, target: `image ${drawing.chapter.number}` }
  const safer = buildSaferImagePrompt({ character: drawing.character, style: drawing.style })
  let prompt = drawing.prompt ?? buildImagePrompt({ ...drawing, chapter: drawing.chapter })
  const promptVerdict = await screen.check({ ...target, stage: 'image_prompt' }, { text: prompt }, signal)
  if (promptVerdict.decision === 'flagged') prompt = safer

  for (let redrawn = false; ; redrawn = true) {
    const image = await provider.drawImage(prompt, signal, 'chapter')
    if (!screen.moderator.supportsImages) return image
    const verdict = await screen.check(
      { ...target, stage: 'image' },
      { image: { bytes: image.bytes, contentType: image.contentType } },
      signal,
    )
    if (verdict.decision === 'allowed') return image
    if (redrawn)
      throw new ProviderError(
        'permanent',
        'CONTENT_FLAGGED',
        `the picture for chapter ${drawing.chapter.number} was flagged by the moderator twice`,
      )
    prompt = safer
  }
}
