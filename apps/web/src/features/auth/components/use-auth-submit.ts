import { type FormEvent, useState } from 'react'
import { useAfterSignIn } from './use-after-sign-in.ts'

/**
 * The submit of a form that signs the parent in (sign-in, register): busy while `send` runs, then
 * on to where they were going; a failure is kept to show and the form can be sent again.
 */
export function useAuthSubmit(send: (form: FormData) => Promise<void>) {
  const done = useAfterSignIn()
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    setBusy(true)
    setError(null)
    try {
      await send(form)
      done()
    } catch (failure) {
      setError(failure)
      setBusy(false)
    }
  }

  return { submit, busy, error }
}
