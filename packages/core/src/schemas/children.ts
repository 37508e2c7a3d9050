import Type, { type Static } from 'typebox'
import { AGE_RANGES, EYE_COLORS, HAIR_COLORS, HAIR_TYPES, SEXES } from '../enums.ts'
import { LanguageTagField, OptionalText, refTo, Text, Timestamp, Uuid } from './common.ts'

export const APPEARANCE_FIELDS = ['age_range', 'sex', 'eye_color', 'hair_type', 'hair_color', 'ethnicity'] as const

const childFields = {
  name: Text(50),
  age_range: Type.Enum([...AGE_RANGES]),
  sex: Type.Enum([...SEXES]),
  eye_color: Type.Enum([...EYE_COLORS]),
  hair_type: Type.Enum([...HAIR_TYPES]),
  hair_color: Type.Enum([...HAIR_COLORS]),
  ethnicity: Text(50),
  fav_animals: OptionalText(200),
  fav_activities: OptionalText(200),
  fav_shows: OptionalText(200),
  language: Type.Optional(
    Type.Union([
      Type.String({ ...LanguageTagField, description: "the child's preferred story language (null: the parent's)" }),
      Type.Null(),
    ]),
  ),
}

export const CreateChildBody = Type.Object(childFields)
export type CreateChildBody = Static<typeof CreateChildBody>

export const UpdateChildBody = Type.Partial(Type.Object(childFields))
export type UpdateChildBody = Static<typeof UpdateChildBody>

export const Child = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    age_range: Type.Enum([...AGE_RANGES]),
    sex: Type.Enum([...SEXES]),
    eye_color: Type.Enum([...EYE_COLORS]),
    hair_type: Type.Enum([...HAIR_TYPES]),
    hair_color: Type.Enum([...HAIR_COLORS]),
    ethnicity: Type.String(),
    fav_animals: Type.Union([Type.String(), Type.Null()]),
    fav_activities: Type.Union([Type.String(), Type.Null()]),
    fav_shows: Type.Union([Type.String(), Type.Null()]),
    language: Type.Union([Type.String(), Type.Null()], { description: "the child's preferred story language" }),
    avatar_url: Type.Union([Type.String(), Type.Null()]),
    avatar_srcset: Type.Union([Type.String(), Type.Null()], { description: 'the avatar as an `<img srcset>` (WebP)' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Child' },
)
export type Child = Static<typeof Child>

export const ChildParams = Type.Object({ child_id: Uuid })
export const ChildResponse = Type.Object({ child: refTo(Child) })
export const ChildCreatedResponse = Type.Object({
  child: refTo(Child),
  avatar_job_id: Type.Union([Type.String(), Type.Null()]),
})
export const ChildListResponse = Type.Object({ children: Type.Array(refTo(Child)) })
