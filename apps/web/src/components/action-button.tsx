import type { ReactNode } from 'react'

interface ActionButtonProps {
  onClick: () => void
  /** the action it started is still under way: the button waits, disabled, so it is not sent twice */
  busy: boolean
  /** the lesser action, outlined rather than filled */
  quiet?: boolean
  children: ReactNode
}

/** A button that acts on the page (a call to the API, more rows), never one that submits a form. */
export function ActionButton({ onClick, busy, quiet, children }: ActionButtonProps) {
  return (
    <button type="button" className={quiet ? 'button button-quiet' : 'button'} onClick={onClick} disabled={busy}>
      {children}
    </button>
  )
}
