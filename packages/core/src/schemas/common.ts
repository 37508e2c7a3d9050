import Type, { type Static, type TSchema, type TUnsafe } from 'typebox'

/** A string that must hold something besides white space. The error formatter names the rule. */
export const NON_BLANK = '\\S'
export const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: NON_BLANK })
export const OptionalText = (maxLength: number) => Type.Optional(Type.Union([Text(maxLength), Type.Null()]))

export const Uuid = Type.String({ format: 'uuid' })
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export const isUuid = (value: string) => UUID.test(value)
// Typed as Date on the server (what Postgres gives us); the response serialiser writes ISO 8601 text.
export const Timestamp = Type.Unsafe<Date>({ type: 'string', format: 'date-time' })

export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String(),
    error: Type.String(),
    message: Type.String(),
  },
  { $id: 'ErrorResponse', description: 'The one error shape of every 4xx and 5xx answer.' },
)

/**
 * A reference to a shared schema by its `$id`, typed as that schema (so handlers' answers are still
 * checked against it). The API registers every shared schema with addSchema: validation and
 * serialisation resolve the reference, and the OpenAPI document holds the schema once, as a component.
 */
export function refTo<T extends TSchema>(schema: T): TUnsafe<Static<T>> {
  return Type.Unsafe<Static<T>>(Type.Ref(idOf(schema)))
}

/** A shared schema's `$id` (TypeBox's types do not carry it). */
export function idOf(schema: TSchema): string {
  const { $id } = schema as { $id?: unknown }
  if (typeof $id !== 'string') throw new Error('only a schema with an $id can be shared')
  return $id
}

export const GenerationError = Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()])

/**
 * A story language's BCP 47 tag. The shape is checked here; whether the active provider writes it is
 * checked by the API, whose 400 lists the languages it does (GET /api/options has them too).
 */
export const LanguageTagField = Type.String({
  minLength: 2,
  maxLength: 35,
  pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$',
  description: 'a BCP 47 language tag from GET /api/options `languages`, e.g. `en`, `es`, `ar`',
})
export const TextDirectionField = Type.Enum(['ltr', 'rtl'], {
  description: "how the story's text runs: `rtl` for right-to-left languages (Arabic, Hebrew…)",
})
