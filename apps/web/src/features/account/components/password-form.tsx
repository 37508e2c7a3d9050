import type { FormEvent } from 'react'
import { TextField } from '../../../components/fields.tsx'
import { FormSubmit } from '../../../components/form-submit.tsx'
import { useChangePassword } from '../api/account.ts'

export function PasswordForm() {
  const change = useChangePassword()
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const element = event.currentTarget
    const form = new FormData(element)
    change.mutate(
      { current: String(form.get('current_password')), next: String(form.get('new_password')) },
      { onSuccess: () => element.reset() },
    )
  }
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="password-heading">
      <h2 id="password-heading">Change password</h2>
      <TextField
        label="Current password"
        name="current_password"
        type="password"
        autoComplete="current-password"
        required
      />
      <TextField
        label="New password"
        name="new_password"
        type="password"
        autoComplete="new-password"
        hint="At least 8 characters. Your other devices are signed out."
        required
      />
      <FormSubmit error={change.error} busy={change.isPending} done={change.isSuccess && 'Your password is changed.'}>
        Change password
      </FormSubmit>
    </form>
  )
}
