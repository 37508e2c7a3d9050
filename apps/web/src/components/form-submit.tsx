import type { ReactNode } from 'react'
import { ErrorNotice } from './notices.tsx'

interface FormSubmitProps {
  /** why the last send failed, said above the button; nothing when it did not (or is shown by a field) */
  error: unknown
  /** the send is under way: the button waits, disabled, so the form is not sent twice */
  busy: boolean
  /** the form is not ready to send yet (a box to tick, a choice to make) */
  disabled?: boolean
  /** said once the form is sent, e.g. "Saved." */
  done?: string | false
  /** the action cannot be undone: the button is red */
  danger?: boolean
  children: ReactNode
}

/** The end of a form: why its last send failed, if it did, then its submit button. */
export function FormSubmit({ error, busy, disabled, done, danger, children }: FormSubmitProps) {
  return (
    <>
      <ErrorNotice error={error} />
      {done && <p role="status">{done}</p>}
      <button type="submit" className={danger ? 'button button-danger' : 'button'} disabled={disabled || busy}>
        {children}
      </button>
    </>
  )
}
