import { Link } from 'react-router'
import { TextField } from '../../../components/fields.tsx'
import { FormSubmit } from '../../../components/form-submit.tsx'
import { Page } from '../../../components/page.tsx'
import { ApiError } from '../../../lib/api-error.ts'
import { register } from '../../../lib/session.ts'
import { useAuthSubmit } from '../components/use-auth-submit.ts'

const fieldOf = (error: unknown) => (error instanceof ApiError ? error.field : undefined)

export function RegisterPage() {
  const { submit, busy, error } = useAuthSubmit((form) =>
    register({
      first_name: String(form.get('first_name')),
      last_name: String(form.get('last_name')),
      email: String(form.get('email')),
      password: String(form.get('password')),
    }),
  )

  const field = fieldOf(error)
  const at = (name: string) => (field === name ? (error as Error).message : undefined)
  return (
    <Page title="Create account" className="narrow">
      <form onSubmit={submit} className="card form">
        <TextField label="First name" name="first_name" autoComplete="given-name" required error={at('first_name')} />
        <TextField label="Last name" name="last_name" autoComplete="family-name" required error={at('last_name')} />
        <TextField label="Email" name="email" type="email" autoComplete="email" required error={at('email')} />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          hint="At least 8 characters."
          required
          error={at('password')}
        />
        <FormSubmit error={field ? null : error} busy={busy}>
          Create account
        </FormSubmit>
      </form>
      <p>
        Already have an account? <Link to="/sign-in">Sign in</Link>
      </p>
    </Page>
  )
}
