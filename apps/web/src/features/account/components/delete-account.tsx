import { type FormEvent, useState } from 'react'
import { useNavigate } from 'react-router'
import { TextField } from '../../../components/fields.tsx'
import { FormSubmit } from '../../../components/form-submit.tsx'
import { useDeleteAccount } from '../api/account.ts'

export function DeleteAccount() {
  const remove = useDeleteAccount()
  const navigate = useNavigate()
  const [sure, setSure] = useState(false)
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const password = String(new FormData(event.currentTarget).get('password'))
    remove.mutate(password, { onSuccess: () => navigate('/sign-in') })
  }
  return (
    <form className="card form danger-zone" onSubmit={submit} aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete account</h2>
      <p>Everything goes at once: your children's profiles, every story and picture. This cannot be undone.</p>
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
      <label className="checkbox">
        <input type="checkbox" checked={sure} onChange={(event) => setSure(event.target.checked)} />I understand that
        everything is deleted for good
      </label>
      <FormSubmit error={remove.error} busy={remove.isPending} disabled={!sure} danger>
        Delete account
      </FormSubmit>
    </form>
  )
}
