import type { AgeRange, EyeColor, HairColor, HairType, Sex } from '@dreamify/core/enums'
import type { ChildAppearance } from './types.ts'

const AGE_WORDING: Record<AgeRange, { before: string; after: string }> = {
  '0-3': { before: 'a toddler', after: 'about 2 years old' },
  '4-6': { before: 'a young', after: 'about 5 years old' },
  '7-9': { before: 'a', after: 'about 8 years old' },
  '10-13': { before: 'a preteen', after: 'about 11 years old' },
}

const CHILD_NOUN: Record<Sex, string> = { Male: 'boy', Female: 'girl' }

// "Kinky" is the product's label, but image models' safety filters misread it.
const HAIR_TYPE_WORDING: Record<Exclude<HairType, 'Bald'>, string> = {
  Straight: 'straight',
  Wavy: 'wavy',
  Curly: 'curly',
  Kinky: 'tightly coiled',
}

const HAIR_COLOR_WORDING: Record<Exclude<HairColor, 'Bald'>, string> = {
  Blonde: 'blonde',
  Brown: 'brown',
  Black: 'black',
  Red: 'red',
  Auburn: 'auburn',
  Gray: 'gray',
  White: 'white',
}

const EYE_COLOR_WORDING: Record<EyeColor, string> = {
  Blue: 'blue',
  Brown: 'brown',
  Green: 'green',
  Hazel: 'hazel',
  Amber: 'amber',
  Gray: 'gray',
}

const MAX_ETHNICITY_LENGTH = 60

// Ethnicity is free text that ends up verbatim in image prompts: keep letters and light punctuation only.
function describeHeritage(ethnicity: string | null | undefined): string | null {
  const cleaned = (ethnicity ?? '')
    .replace(/[^\p{L}\p{M}\s'’,/&-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_ETHNICITY_LENGTH)
    .trim()
  return cleaned === '' ? null : `of ${cleaned} heritage`
}

function describeHair(hairType: HairType, hairColor: HairColor): string {
  if (hairType === 'Bald' || hairColor === 'Bald') return 'a bald head'
  return `${HAIR_TYPE_WORDING[hairType]} ${HAIR_COLOR_WORDING[hairColor]} hair`
}

function lookup<K extends string, V>(table: Record<K, V>, key: K, field: string): V {
  if (!Object.hasOwn(table, key)) throw new RangeError(`Unknown ${field}: ${String(key)}`)
  return table[key]
}

/**
 * The child's appearance in one fixed sentence fragment, reused verbatim in the avatar and every chapter image
 * so the child looks the same throughout. The name is left out on purpose: image models tend to letter it in.
 */
export function describeCharacter(child: ChildAppearance): string {
  const age = lookup(AGE_WORDING, child.age_range, 'age_range')
  const noun = lookup(CHILD_NOUN, child.sex, 'sex')
  if (child.hair_type !== 'Bald') lookup(HAIR_TYPE_WORDING, child.hair_type, 'hair_type')
  if (child.hair_color !== 'Bald') lookup(HAIR_COLOR_WORDING, child.hair_color, 'hair_color')
  const eyes = lookup(EYE_COLOR_WORDING, child.eye_color, 'eye_color')
  const heritage = describeHeritage(child.ethnicity)
  return [
    `${age.before} ${noun} ${age.after}`,
    ...(heritage ? [heritage] : []),
    `with ${describeHair(child.hair_type, child.hair_color)} and ${eyes} eyes`,
  ].join(', ')
}
