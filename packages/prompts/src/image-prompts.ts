import type { ImageStyle } from '@dreamify/core/enums'
import { castInChapter } from './cast.ts'
import { withoutChildName } from './stand-in-name.ts'
import type { CastMember } from './types.ts'

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

/**
 * "Also in the picture…": the story's recurring characters this chapter names, to draw the same
 * each time. Their names only for an English story: image prompts stay English, and the
 * descriptions (always English) are what the picture needs.
 */
export function castLine(cast: readonly CastMember[], childName?: string, withNames = true): string | undefined {
  if (cast.length === 0) return undefined
  const members = cast.map(({ name, description }) => {
    const look = description.replace(/[.\s]+$/, '')
    const line = withNames ? `${name}: ${look}` : look
    return childName ? withoutChildName(line, childName) : line
  })
  return `Also in the picture (keep exactly these appearances): ${members.join('; ')}.`
}

export interface ChapterImageInput {
  character: string
  /** `scene`: what the text step said to draw, in English; without one the chapter's opening is drawn */
  chapter: { title: string; content: string; scene?: string | null }
  style: ImageStyle
  /** taken out of the scene: image prompts never carry the child's name */
  childName?: string
  /** the story's cast; those the chapter names are drawn as described */
  cast?: readonly CastMember[]
  /** the story's language (default `en`): the cast's names are left out of prompts for other languages */
  language?: string
}

function sceneOf(input: Omit<ChapterImageInput, 'character'>): string {
  // The chapter title is only a fallback: titles in prompts invite the model to letter them into the picture.
  const found = input.chapter.scene?.trim() || summarizeScene(input.chapter.content) || input.chapter.title.trim()
  return input.childName ? withoutChildName(found, input.childName) : found
}

/** The cast members the chapter names, as a prompt line (undefined when it names none). */
const castOf = (input: Omit<ChapterImageInput, 'character'>) =>
  castLine(castInChapter(input.cast ?? [], input.chapter.content), input.childName, (input.language ?? 'en') === 'en')

/** Said with a reference picture (the child's avatar, the first input image): the hero is that child. */
export const REFERENCE_RULE =
  'The main character is the child in the reference image: keep their face, skin tone, hair and eyes exactly as in it, drawn in this style.'

export function buildImagePrompt(input: ChapterImageInput): string {
  return [
    `A children's picture-book illustration in ${imageStylePhrase(input.style)}.`,
    `Scene: ${sceneOf(input)}`,
    `Main character (keep exactly this appearance): ${input.character}.`,
    castOf(input),
    CHILD_FRIENDLY,
    NO_TEXT_RULE,
  ]
    .filter((line) => line !== undefined)
    .join('\n')
}

/** The same picture drawn from the child's avatar: the scene and the style, and the hero as in the reference. */
export function buildReferenceImagePrompt(input: Omit<ChapterImageInput, 'character'>): string {
  return [
    `A children's picture-book illustration in ${imageStylePhrase(input.style)}.`,
    `Scene: ${sceneOf(input)}`,
    REFERENCE_RULE,
    castOf(input),
    CHILD_FRIENDLY,
    NO_TEXT_RULE,
  ]
    .filter((line) => line !== undefined)
    .join('\n')
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
