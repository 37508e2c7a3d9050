import { Link, Navigate } from 'react-router'
import { TextField } from '../../../components/fields.tsx'
import { FormSubmit } from '../../../components/form-submit.tsx'
import { Page } from '../../../components/page.tsx'
import { signIn } from '../../../lib/session.ts'
import { useSessionStatus } from '../../../lib/use-session.ts'
import { useAuthSubmit } from '../components/use-auth-submit.ts'

export function SignInPage() {
  const status = useSessionStatus()
  const { submit, busy, error } = useAuthSubmit((form) =>
    signIn(String(form.get('email')), String(form.get('password'))),
  )
  if (status === 'signed-in' && !busy) return <Navigate to="/" replace />

  return (
    <Page title="Sign in" className="narrow">
      <form onSubmit={submit} className="card form">
        <TextField label="Email" name="email" type="email" autoComplete="email" required />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
        <FormSubmit error={error} busy={busy}>
          Sign in
        </FormSubmit>
      </form>
      <p>
        New here? <Link to="/register">Create account</Link>
      </p>
    </Page>
  )
}
