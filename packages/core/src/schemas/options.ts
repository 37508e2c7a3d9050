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
  STORY_REPORT_REASONS,
  type StoryReportReason,
} from '../enums.ts'
import { LANGUAGES, type LanguageTag, languagesOf } from '../languages.ts'
import { TextDirectionField } from './common.ts'

/**
 * The choices a client offers for each enumerated field, with a label to show. Built from the very
 * lists the request schemas validate against, so an app never carries a copy of its own.
 */
const Option = Type.Object({ value: Type.String(), label: Type.String() })
const LanguageOption = Type.Object({
  value: Type.String({ description: 'the BCP 47 tag to send as `language`' }),
  label: Type.String({ description: "the language's name in that language" }),
  direction: TextDirectionField,
})

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
  languages: Type.Array(LanguageOption, { description: 'the languages the active provider writes stories in' }),
  report_reasons: Type.Array(Option, { description: 'why a parent may report a story (`reason` of its report)' }),
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
const REPORT_REASON_LABELS: Record<StoryReportReason, string> = {
  frightening: 'Too frightening',
  violent: 'Violent',
  sexual: 'Sexual content',
  rude_language: 'Rude language',
  not_age_appropriate: "Not right for my child's age",
  other: 'Something else',
}
const sameLabel = (values: readonly string[]) => values.map((value) => ({ value, label: value }))

type FixedOptions = Omit<OptionsResponse, 'languages'>

const languageOptions = (tags: readonly LanguageTag[]) =>
  tags.map((value) => ({ value, label: LANGUAGES[value].label, direction: LANGUAGES[value].direction }))

/** The options for a deployment: the fixed lists and the languages its provider writes. */
export const optionsFor = (provider: string): OptionsResponse => ({
  ...OPTIONS,
  languages: languageOptions(languagesOf(provider)),
})

export const OPTIONS: FixedOptions = {
  age_ranges: AGE_RANGES.map((value) => ({ value, label: `${value.replace('-', '–')} years` })),
  sexes: SEXES.map((value) => ({ value, label: SEX_LABELS[value] })),
  eye_colors: sameLabel(EYE_COLORS),
  hair_types: sameLabel(HAIR_TYPES),
  hair_colors: sameLabel(HAIR_COLORS),
  story_genres: sameLabel(STORY_GENRES),
  image_styles: sameLabel(IMAGE_STYLES),
  narration: { available: true, voices: NARRATION_VOICES.map((value) => ({ value, label: VOICE_LABELS[value] })) },
  report_reasons: STORY_REPORT_REASONS.map((value) => ({ value, label: REPORT_REASON_LABELS[value] })),
}
