import Type, { type Static } from 'typebox'
import {
  AGE_RANGES,
  EYE_COLORS,
  HAIR_COLORS,
  HAIR_TYPES,
  IMAGE_STYLES,
  NARRATION_VOICES,
  SEXES,
  STORY_GENRES,
} from '../enums.ts'

/**
 * The choices a client offers for each enumerated field, with a label to show. Built from the very
 * lists the request schemas validate against, so an app never carries a copy of its own.
 */
const Option = Type.Object({ value: Type.String(), label: Type.String() })

export const OptionsResponse = Type.Object({
  age_ranges: Type.Array(Option),
  sexes: Type.Array(Option),
  eye_colors: Type.Array(Option),
  hair_types: Type.Array(Option),
  hair_colors: Type.Array(Option),
  story_genres: Type.Array(Option),
  image_styles: Type.Array(Option),
  narration: Type.Object({
    /** false when the provider's server has no speech endpoint: requested narration then fails, the story does not */
    available: Type.Boolean(),
    voices: Type.Array(Option),
  }),
})
export type OptionsResponse = Static<typeof OptionsResponse>

const SEX_LABELS: Record<(typeof SEXES)[number], string> = { Male: 'Boy', Female: 'Girl' }
const VOICE_LABELS: Record<(typeof NARRATION_VOICES)[number], string> = {
  coral: 'Coral (warm)',
  sage: 'Sage (calm)',
  fable: 'Fable (storyteller)',
  nova: 'Nova (bright)',
  onyx: 'Onyx (deep)',
}
const sameLabel = (values: readonly string[]) => values.map((value) => ({ value, label: value }))

export const OPTIONS: OptionsResponse = {
  age_ranges: AGE_RANGES.map((value) => ({ value, label: `${value.replace('-', '–')} years` })),
  sexes: SEXES.map((value) => ({ value, label: SEX_LABELS[value] })),
  eye_colors: sameLabel(EYE_COLORS),
  hair_types: sameLabel(HAIR_TYPES),
  hair_colors: sameLabel(HAIR_COLORS),
  story_genres: sameLabel(STORY_GENRES),
  image_styles: sameLabel(IMAGE_STYLES),
  narration: { available: true, voices: NARRATION_VOICES.map((value) => ({ value, label: VOICE_LABELS[value] })) },
}
