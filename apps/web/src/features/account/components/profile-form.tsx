import { type FormEvent, useState } from 'react'
import { SelectField, TextField } from '../../../components/fields.tsx'
import { FormSubmit } from '../../../components/form-submit.tsx'
import { ErrorNotice } from '../../../components/notices.tsx'
import { preferredLanguage } from '../../../lib/languages.ts'
import { useMe, useOptions } from '../../../lib/shared-queries.ts'
import { useUpdateProfile } from '../api/account.ts'

/** The parent's names and preferred story language (the default for children without one of their own). */
export function ProfileForm() {
  const me = useMe()
  const languages = useOptions().data?.languages ?? []
  const update = useUpdateProfile()
  // Sent only once chosen: a preference the provider no longer writes is kept, not overwritten.
  const [language, setLanguage] = useState<string>()
  if (!me.data) return <ErrorNotice error={me.error} />
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    update.mutate({
      first_name: String(form.get('first_name')),
      last_name: String(form.get('last_name')),
      ...(language === undefined ? {} : { language }),
    })
  }
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="profile-heading">
      <h2 id="profile-heading">About you</h2>
      <p>Signed in as {me.data.email}</p>
      <TextField label="First name" name="first_name" defaultValue={me.data.first_name} required />
      <TextField label="Last name" name="last_name" defaultValue={me.data.last_name} required />
      {languages.length > 1 && (
        <SelectField
          label="Story language"
          name="language"
          options={languages}
          value={language ?? preferredLanguage(languages, me.data.language)}
          onChange={setLanguage}
        />
      )}
      <FormSubmit error={update.error} busy={update.isPending} done={update.isSuccess && 'Saved.'}>
        Save
      </FormSubmit>
    </form>
  )
}
