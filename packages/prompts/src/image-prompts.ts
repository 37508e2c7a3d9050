import type { ImageStyle } from '@dreamify/core/enums'
import { withoutChildName } from './stand-in-name.ts'

const STYLE_PHRASES: Record<ImageStyle, string> = {
  Cartoon: 'a bright, friendly cartoon style with bold clean outlines and cheerful colours',
  Realistic: 'a soft, realistic painterly style with natural light and lifelike detail',
  Fantasy: 'a magical fantasy art style with glowing light and rich, dreamy colours',
  Watercolor: 'a gentle watercolour style with soft washes of colour and delicate textures',
  Anime: 'a warm anime style with expressive eyes, clean lines and soft cel shading',
}

export const NO_TEXT_RULE = 'No text, letters or words in the picture.'
const CHILD_FRIENDLY = 'Warm, gentle and child-friendly; nothing scary or violent.'
const SCENE_MAX_CHARS = 400
const SCENE_SENTENCES = 2

export function imageStylePhrase(style: ImageStyle): string {
  if (!Object.hasOwn(STYLE_PHRASES, style)) throw new RangeError(`Unknown image_style: ${String(style)}`)
  return STYLE_PHRASES[style]
}

/** The opening sentences of a chapter, trimmed at a word boundary, as the scene to draw. */
export function summarizeScene(content: string, maxChars: number = SCENE_MAX_CHARS): string {
  const flat = content.replace(/\s+/g, ' ').trim()
  const sentences = flat.match(/[^.!?…]+(?:[.!?…]+["”’')]*|$)/g) ?? []
  const opening = sentences.slice(0, SCENE_SENTENCES).join('').trim()
  if (opening.length <= maxChars) return opening
  const cut = opening.slice(0, maxChars - 1)
  const lastSpace = cut.lastIndexOf(' ')
  return `${(lastSpace > 0 ? cut.slice(0, lastSpace) : cut).replace(/[\s,;:]+$/, '')}…`
}

export interface ChapterImageInput {
  character: string
  chapter: { title: string; content: string }
  style: ImageStyle
  /** taken out of the scene: image prompts never carry the child's name */
  childName?: string
}

function sceneOf(input: Omit<ChapterImageInput, 'character'>): string {
  // The chapter title is only a fallback: titles in prompts invite the model to letter them into the picture.
  const found = summarizeScene(input.chapter.content) || input.chapter.title.trim()
  return input.childName ? withoutChildName(found, input.childName) : found
}

/** Said with a reference picture (the child's avatar, the first input image): the hero is that child. */
export const REFERENCE_RULE =
  'The main character is the child in the reference image: keep their face, skin tone, hair and eyes exactly as in it, drawn in this style.'

export function buildImagePrompt(input: ChapterImageInput): string {
  return [
    `A children's picture-book illustration in ${imageStylePhrase(input.style)}.`,
    `Scene: ${sceneOf(input)}`,
    `Main character (keep exactly this appearance): ${input.character}.`,
    CHILD_FRIENDLY,
    NO_TEXT_RULE,
  ].join('\n')
}

/** The same picture drawn from the child's avatar: the scene and the style, and the hero as in the reference. */
export function buildReferenceImagePrompt(input: Omit<ChapterImageInput, 'character'>): string {
  return [
    `A children's picture-book illustration in ${imageStylePhrase(input.style)}.`,
    `Scene: ${sceneOf(input)}`,
    REFERENCE_RULE,
    CHILD_FRIENDLY,
    NO_TEXT_RULE,
  ].join('\n')
}

/**
 * The prompt for a redraw after a moderator flagged a chapter's prompt or picture: no scene from the
 * text at all, only a calm picture of the character.
 */
export function buildSaferImagePrompt(input: { character: string; style: ImageStyle }): string {
  return [
    `A children's picture-book illustration in ${imageStylePhrase(input.style)}.`,
    'Scene: the main character smiling in a calm, sunny meadow full of flowers, with a friendly animal nearby.',
    `Main character (keep exactly this appearance): ${input.character}.`,
    'Soft, peaceful and cosy; no weapons, no injuries, no scary creatures, nothing frightening at all.',
    NO_TEXT_RULE,
  ].join('\n')
}

/** The safer prompt, drawn from the child's avatar. */
export function buildSaferReferenceImagePrompt(input: { style: ImageStyle }): string {
  return [
    `A children's picture-book illustration in ${imageStylePhrase(input.style)}.`,
    'Scene: the main character smiling in a calm, sunny meadow full of flowers, with a friendly animal nearby.',
    REFERENCE_RULE,
    'Soft, peaceful and cosy; no weapons, no injuries, no scary creatures, nothing frightening at all.',
    NO_TEXT_RULE,
  ].join('\n')
}

/**
 * The portrait drawn again after a moderator flagged an avatar's prompt or picture: pass a character
 * described without the free text (the heritage a parent typed), the only part that is not a choice
 * from a list, and nothing but a calm, smiling face.
 */
export function buildSaferAvatarPrompt(input: { character: string; style?: ImageStyle }): string {
  return [
    `A gentle head-and-shoulders portrait of ${input.character}, smiling softly, against a plain soft pastel background.`,
    `Drawn in ${imageStylePhrase(input.style ?? 'Cartoon')}.`,
    'Soft, peaceful and cosy; no weapons, no injuries, no scary creatures, nothing frightening at all.',
    NO_TEXT_RULE,
  ].join('\n')
}

export function buildAvatarPrompt(input: { character: string; style?: ImageStyle }): string {
  return [
    `A friendly head-and-shoulders portrait of ${input.character}, smiling warmly and looking at the viewer, against a plain soft pastel background.`,
    `Drawn in ${imageStylePhrase(input.style ?? 'Cartoon')}.`,
    CHILD_FRIENDLY,
    NO_TEXT_RULE,
  ].join('\n')
}
