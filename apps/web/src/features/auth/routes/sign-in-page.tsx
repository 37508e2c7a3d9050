import { type FormEvent, useState } from 'react'
import { Link, Navigate } from 'react-router'
import { TextField } from '../../../components/fields.tsx'
import { ErrorNotice } from '../../../components/notices.tsx'
import { Page } from '../../../components/page.tsx'
import { signIn } from '../../../lib/session.ts'
import { useSessionStatus } from '../../../lib/use-session.ts'
import { useAfterSignIn } from '../components/use-after-sign-in.ts'

export function SignInPage() {
  const status = useSessionStatus()
  const done = useAfterSignIn()
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  if (status === 'signed-in' && !busy) return <Navigate to="/" replace />

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    setBusy(true)
    setError(null)
    try {
      await signIn(String(form.get('email')), String(form.get('password')))
      done()
    } catch (failure) {
      setError(failure)
      setBusy(false)
    }
  }

  return (
    <Page title="Sign in" className="narrow">
      <form onSubmit={submit} className="card form">
        <TextField label="Email" name="email" type="email" autoComplete="email" required />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
        <ErrorNotice error={error} />
        <button type="submit" className="button" disabled={busy}>
          Sign in
        </button>
      </form>
      <p>
        New here? <Link to="/register">Create account</Link>
      </p>
    </Page>
  )
}
