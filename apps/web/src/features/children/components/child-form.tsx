import { type FormEvent, useState } from 'react'
import { RadioGroup, SelectField, TextField } from '../../../components/fields.tsx'
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
      age_range: value('age_range', o.age_ranges),
      sex: value('sex', o.sexes),
      eye_color: value('eye_color', o.eye_colors),
      hair_type: value('hair_type', o.hair_types),
      hair_color: value('hair_color', o.hair_colors),
      ethnicity: String(form.get('ethnicity')),
      fav_animals: optionalText(form.get('fav_animals')),
      fav_activities: optionalText(form.get('fav_activities')),
      fav_shows: optionalText(form.get('fav_shows')),
      // Sent once chosen: a language the provider no longer writes stays the child's until changed.
      ...(choices.language === undefined ? {} : { language: choices.language || null }),
    } as ChildFields)
  }

  return (
    <form className="card form" onSubmit={submit}>
      <TextField label="Child's name" name="name" defaultValue={child?.name} required error={at('name')} />
      <RadioGroup
        label="Age"
        name="age_range"
        options={o.age_ranges}
        value={value('age_range', o.age_ranges)}
        onChange={choose('age_range')}
        error={at('age_range')}
      />
      <RadioGroup
        label="Boy or girl"
        name="sex"
        options={o.sexes}
        value={value('sex', o.sexes)}
        onChange={choose('sex')}
        error={at('sex')}
      />
      <SelectField
        label="Eye colour"
        name="eye_color"
        options={o.eye_colors}
        value={value('eye_color', o.eye_colors)}
        onChange={choose('eye_color')}
      />
      <SelectField
        label="Hair type"
        name="hair_type"
        options={o.hair_types}
        value={value('hair_type', o.hair_types)}
        onChange={choose('hair_type')}
      />
      <SelectField
        label="Hair colour"
        name="hair_color"
        options={o.hair_colors}
        value={value('hair_color', o.hair_colors)}
        onChange={choose('hair_color')}
      />
      <TextField label="Heritage" name="ethnicity" defaultValue={child?.ethnicity} required error={at('ethnicity')} />
      <TextField
        label="Favourite animals"
        name="fav_animals"
        defaultValue={child?.fav_animals ?? ''}
        error={at('fav_animals')}
      />
      <TextField
        label="Favourite activities"
        name="fav_activities"
        defaultValue={child?.fav_activities ?? ''}
        error={at('fav_activities')}
      />
      <TextField
        label="Favourite shows"
        name="fav_shows"
        defaultValue={child?.fav_shows ?? ''}
        error={at('fav_shows')}
      />
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
      {!fieldError && <ErrorNotice error={error} />}
      <button type="submit" className="button" disabled={busy}>
        Save
      </button>
    </form>
  )
}
