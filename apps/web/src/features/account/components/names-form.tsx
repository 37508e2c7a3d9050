import type { FormEvent } from 'react'
import { TextField } from '../../../components/fields.tsx'
import { ErrorNotice } from '../../../components/notices.tsx'
import { useMe, useUpdateNames } from '../api/account.ts'

export function NamesForm() {
  const me = useMe()
  const update = useUpdateNames()
  if (!me.data) return <ErrorNotice error={me.error} />
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    update.mutate({ first_name: String(form.get('first_name')), last_name: String(form.get('last_name')) })
  }
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="names-heading">
      <h2 id="names-heading">Your name</h2>
      <p>Signed in as {me.data.email}</p>
      <TextField label="First name" name="first_name" defaultValue={me.data.first_name} required />
      <TextField label="Last name" name="last_name" defaultValue={me.data.last_name} required />
      <ErrorNotice error={update.error} />
      {update.isSuccess && <p role="status">Saved.</p>}
      <button type="submit" className="button" disabled={update.isPending}>
        Save
      </button>
    </form>
  )
}
