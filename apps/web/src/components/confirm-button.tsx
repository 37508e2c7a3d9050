import { useState } from 'react'

interface ConfirmButtonProps {
  /** the first button's text, e.g. "Delete" */
  label: string
  /** its accessible name when the text alone would be ambiguous in a list, e.g. "Delete Mia's Moonlit Forest" */
  name?: string
  /** the question asked before the action, e.g. "Delete Mia's profile?" */
  question: string
  confirmLabel: string
  onConfirm: () => void
  busy?: boolean
}

/** A destructive action that asks first, inline (no window.confirm). */
export function ConfirmButton({ label, name, question, confirmLabel, onConfirm, busy }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false)
  if (!asking)
    return (
      <button type="button" className="button button-quiet" aria-label={name} onClick={() => setAsking(true)}>
        {label}
      </button>
    )
  return (
    <fieldset className="confirm">
      <legend>{question}</legend>
      <button type="button" className="button button-danger" onClick={onConfirm} disabled={busy}>
        {confirmLabel}
      </button>
      <button type="button" className="button button-quiet" onClick={() => setAsking(false)}>
        Keep it
      </button>
    </fieldset>
  )
}
