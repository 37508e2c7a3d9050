import { type FormEvent, useState } from 'react'
import { RadioGroup, SelectField, TextField } from '../../../components/fields.tsx'
import { FormSubmit } from '../../../components/form-submit.tsx'
import { ErrorNotice } from '../../../components/notices.tsx'
import { ApiError } from '../../../lib/api-client.ts'
import { useOptions } from '../../../lib/shared-queries.ts'
import type { Child, ChildFields } from '../api/children.ts'

interface ChildFormProps {
  child?: Child | undefined
  busy: boolean
  error: unknown
  onSave: (fields: ChildFields) => void
}

const optionalText = (value: FormDataEntryValue | null) => {
  const text = String(value ?? '').trim()
  return text === '' ? null : text
}

/**
 * How the child looks, each picked from a list GET /api/options gives (the field, then the list's
 * name there): the short lists as radio buttons, the longer ones as a select.
 */
const LOOKS = [
  { field: 'age_range', label: 'Age', list: 'age_ranges', Control: RadioGroup },
  { field: 'sex', label: 'Boy or girl', list: 'sexes', Control: RadioGroup },
  { field: 'eye_color', label: 'Eye colour', list: 'eye_colors', Control: SelectField },
  { field: 'hair_type', label: 'Hair type', list: 'hair_types', Control: SelectField },
  { field: 'hair_color', label: 'Hair colour', list: 'hair_colors', Control: SelectField },
] as const

/** Free text the stories may draw on; left empty, the field is sent as null. */
const FAVOURITES = [
  { field: 'fav_animals', label: 'Favourite animals' },
  { field: 'fav_activities', label: 'Favourite activities' },
  { field: 'fav_shows', label: 'Favourite shows' },
] as const

/** Add or edit a child; every choice comes from GET /api/options. */
export function ChildForm({ child, busy, error, onSave }: ChildFormProps) {
  const options = useOptions()
  const first = (list: { value: string }[] | undefined) => list?.[0]?.value ?? ''
  const [choices, setChoices] = useState<Record<string, string>>({})
  const value = (field: keyof Child, list: { value: string }[] | undefined) =>
    choices[field] ?? (child?.[field] as string | undefined) ?? first(list)
  const choose = (field: string) => (next: string) => setChoices((current) => ({ ...current, [field]: next }))

  if (options.isPending) return <p role="status">Loading the choices…</p>
  if (!options.data) return <ErrorNotice error={options.error} />
  const o = options.data
  // '' is "Same as mine" (null): the parent's language
  const savedLanguage = o.languages.find((l) => l.value === child?.language)?.value ?? ''
  const fieldError = error instanceof ApiError ? error.field : undefined
  const at = (name: string) => (fieldError === name ? (error as Error).message : undefined)

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    onSave({
      name: String(form.get('name')),
      ...Object.fromEntries(LOOKS.map(({ field, list }) => [field, value(field, o[list])])),
      ethnicity: String(form.get('ethnicity')),
      ...Object.fromEntries(FAVOURITES.map(({ field }) => [field, optionalText(form.get(field))])),
      // Sent once chosen: a language the provider no longer writes stays the child's until changed.
      ...(choices.language === undefined ? {} : { language: choices.language || null }),
    } as ChildFields)
  }

  return (
    <form className="card form" onSubmit={submit}>
      <TextField label="Child's name" name="name" defaultValue={child?.name} required error={at('name')} />
      {LOOKS.map(({ field, label, list, Control }) => (
        <Control
          key={field}
          label={label}
          name={field}
          options={o[list]}
          value={value(field, o[list])}
          onChange={choose(field)}
          error={at(field)}
        />
      ))}
      <TextField label="Heritage" name="ethnicity" defaultValue={child?.ethnicity} required error={at('ethnicity')} />
      {FAVOURITES.map(({ field, label }) => (
        <TextField key={field} label={label} name={field} defaultValue={child?.[field] ?? ''} error={at(field)} />
      ))}
      {o.languages.length > 1 && (
        <SelectField
          label="Story language"
          name="language"
          options={[{ value: '', label: 'Same as mine' }, ...o.languages]}
          value={choices.language ?? savedLanguage}
          onChange={choose('language')}
          error={at('language')}
        />
      )}
      <FormSubmit error={fieldError ? null : error} busy={busy}>
        Save
      </FormSubmit>
    </form>
  )
}
